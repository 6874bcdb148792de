//! Calling a service's upstream on the provider's terms: the TLS clients (`client`: system
//! roots plus a per-service CA, HTTP/2 by ALPN, pooled) and the credential Wadah presents
//! (`credentials`: static header, Basic, or an OAuth2 token it fetches and caches). Both are
//! prepared when a snapshot is built, so the forward phase only picks them from its route.

pub mod client;
pub mod credentials;

use std::sync::Arc;

use wadah_seal::KeyRing;

/// What a snapshot build needs to prepare upstream calls: the key ring that opens sealed
/// credentials, and the client builder with the system's roots.
#[derive(Debug)]
pub struct Upstreams {
    pub keys: Arc<KeyRing>,
    pub clients: client::Clients,
}
