//! What the portals learn from outside the registry: the results of checking public services'
//! online links, and citizens' feedback on public services. Neither is a registry object, so
//! their writes move no registry version (the gateway would rebuild its snapshot for nothing)
//! and write no change-log entry; both go when their public service is deleted.

use async_trait::async_trait;
use wadah_domain::feedback::{Feedback, FeedbackSpec, FeedbackSummary};
use wadah_domain::link_check::LinkCheck;
use wadah_domain::{Code, Timestamp};

use crate::{Page, PageRequest, StoreResult};

#[async_trait]
pub trait PortalStore: Send + Sync {
    /// Keeps `check` as the latest check of its public service (replacing the previous one).
    /// A check of a public service that no longer exists is dropped silently: it was deleted
    /// while the checker ran.
    async fn record_link_check(&self, check: &LinkCheck) -> StoreResult<()>;
    /// The latest check of one public service's link, if any.
    async fn link_check(&self, agency: &Code, public_service: &Code) -> StoreResult<Option<LinkCheck>>;
    /// Every latest check whose link failed, ordered by `agency/public_service` (the listings
    /// mark these; in a healthy catalogue the list is short).
    async fn broken_links(&self) -> StoreResult<Vec<LinkCheck>>;
    /// Stores one piece of feedback; [`crate::StoreError::NotFound`] when the public service
    /// does not exist.
    async fn add_feedback(
        &self,
        agency: &Code,
        public_service: &Code,
        feedback: &FeedbackSpec,
        at: Timestamp,
    ) -> StoreResult<Feedback>;
    /// The aggregate of one public service's feedback (zeros when there is none).
    async fn feedback_summary(&self, agency: &Code, public_service: &Code) -> StoreResult<FeedbackSummary>;
    /// One public service's feedback, newest first; the cursor is the last item's id.
    async fn list_feedback(
        &self,
        agency: &Code,
        public_service: &Code,
        page: &PageRequest,
    ) -> StoreResult<Page<Feedback>>;
}
