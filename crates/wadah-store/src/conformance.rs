//! The conformance suite: what every storage engine must do, written once against
//! `&dyn Store` and run by each engine crate's tests through [`conformance_tests!`]. Each case
//! starts from an empty, migrated store and asserts behaviour a user would notice (ordering,
//! paging, refusals, what the change log shows), not how an engine stores it.
//!
//! The cases are ordinary library code so that engine crates can call them; they panic on a
//! failed expectation like any test, which is why the panic lints are relaxed here only.
//!
//! ```text
//! // crates/wadah-store-<engine>/tests/conformance.rs
//! wadah_store::conformance_tests!(async {
//!     let guard = /* a fresh database that lives as long as the test */;
//!     let store: std::sync::Arc<dyn wadah_store::Store> = /* open it */;
//!     Some((store, guard)) // `None` skips the cases (e.g. no server configured)
//! });
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod architecture;
mod assessments;
mod audit;
mod directory;
pub mod fixtures;
mod gateway;
mod identity;
mod log;
mod portal;
mod registry;
mod search;
mod sessions;
mod signing_keys;
mod sso;
mod updates;
mod upstream;

pub use access::*;
pub use architecture::*;
pub use assessments::*;
pub use audit::*;
pub use directory::*;
pub use gateway::*;
pub use identity::*;
pub use log::*;
pub use portal::*;
pub use registry::*;
pub use search::*;
pub use sessions::*;
pub use signing_keys::*;
pub use sso::*;
pub use updates::*;
pub use upstream::*;

/// Expands to one `#[tokio::test]` per conformance case. The argument is an expression that
/// evaluates to a future of `Option<(store, guard)>`, where `store` derefs to something that is
/// a `Store` (e.g. `Arc<dyn Store>`) and `guard` keeps the database alive for the test; `None`
/// skips the case. The calling crate needs `tokio` (with `macros` and `rt`) as a
/// dev-dependency.
#[macro_export]
macro_rules! conformance_tests {
    ($setup:expr) => {
        $crate::conformance_tests!(@cases ($setup)
            agencies_paginate_and_search
            duplicate_codes_are_refused
            missing_parents_are_reported
            updates_are_versioned
            codes_cannot_change
            every_kind_updates_with_its_version
            deletes_refuse_dependents_unless_cascading
            services_keep_their_openapi_text
            service_directory_orders_and_pages_across_agencies
            public_services_filter_by_topic_and_audience
            credentials_rotate_and_revoke
            rights_lists_stay_within_scope
            approving_a_request_grants_exactly_one_right
            users_are_scoped_and_keep_their_password_private
            tokens_sign_in_until_revoked_expired_or_disabled
            change_log_records_every_write
            registry_version_grows_on_writes_only
            failed_writes_change_nothing
            gateway_view_follows_credentials_and_rights
            search_matches_word_prefixes_in_every_registry_list
            search_takes_punctuation_literally
            search_follows_renames_and_deletes
            search_results_page_completely
            signing_keys_are_added_once_per_generation
            upstream_credentials_stay_sealed
            audit_index_searches_within_scope
            audit_index_batches_replay_without_duplicates
            audit_index_keeps_every_outcome_of_a_large_batch
            audit_keys_are_published_per_node
            audit_traffic_is_counted_per_bucket_and_class
            portal_link_checks_and_feedback_follow_their_public_service
            sessions_follow_their_user_and_end_when_asked
            login_failures_count_restart_and_clear
            sso_users_are_keyed_by_issuer_and_subject
            sso_pending_logins_are_taken_once
            sso_back_channel_logout_ends_the_named_sessions
            assessments_keep_versions_files_and_history
            architecture_elements_are_versioned_and_scoped
            architecture_relations_follow_their_elements
            architecture_import_is_all_or_nothing
        );
    };
    (@cases ($setup:expr) $($case:ident)*) => {
        $(
            #[tokio::test]
            async fn $case() {
                let Some((store, _guard)) = $setup.await else {
                    return;
                };
                $crate::conformance::$case(&*store).await;
            }
        )*
    };
}
