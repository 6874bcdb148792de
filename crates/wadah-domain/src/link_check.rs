//! The result of checking a public service's online link. Wadah checks the links it shows
//! (Bontang's old portal pointed two links at the wrong site for years without anyone noticing),
//! and the portal marks a link that failed its last check instead of showing it as fine.

use serde::{Deserialize, Serialize};

use crate::{Code, Timestamp};

/// Why a link is considered broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkFailure {
    /// The site answered with an error status (4xx or 5xx).
    Status,
    /// No answer within the time limit.
    Timeout,
    /// The connection was refused or the name did not resolve.
    Unreachable,
    /// A TLS handshake or certificate failure.
    Tls,
    /// Too many redirects, or a redirect to something other than http(s).
    Redirects,
}

impl LinkFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Timeout => "timeout",
            Self::Unreachable => "unreachable",
            Self::Tls => "tls",
            Self::Redirects => "redirects",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Status,
            Self::Timeout,
            Self::Unreachable,
            Self::Tls,
            Self::Redirects,
        ]
        .into_iter()
        .find(|f| f.as_str() == raw)
    }
}

/// The latest check of one public service's online link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkCheck {
    pub agency: Code,
    /// The public service's code.
    pub public_service: Code,
    /// The URL that was checked (a later edit of the service makes this check stale).
    pub url: String,
    /// The final HTTP status, when one was received.
    pub http_status: Option<u16>,
    /// `None` when the link works.
    pub failure: Option<LinkFailure>,
    pub checked_at: Timestamp,
    /// When the current run of failures began (`None` while the link works).
    pub failing_since: Option<Timestamp>,
}

impl LinkCheck {
    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }
}
