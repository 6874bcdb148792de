//! [`RequestCtx`]: what one request has accumulated as it moves through the phases (who the
//! consumer is, which route and right apply, the limit decision, the four timestamps), so each
//! phase takes its inputs explicitly instead of re-deriving them.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use wadah_domain::Timestamp;
use wadah_domain::access::Method;
use wadah_domain::audit::micros;

use crate::authorize::Grant;
use crate::limit::Decision;
use crate::metrics::Labels;
use crate::snapshot::{Consumer, Route};

#[derive(Debug)]
pub struct RequestCtx {
    /// The `X-Request-Id` (the caller's if valid, else generated).
    pub id: String,
    pub client: SocketAddr,
    /// The wall-clock time the request arrived (from the gateway's `Clock`).
    pub now: Timestamp,
    received: Instant,
    received_at: i64,
    pub consumer: Option<Arc<Consumer>>,
    pub route: Option<Arc<Route>>,
    pub method: Option<Method>,
    /// The path below the service, as received.
    pub rest: String,
    pub grant: Option<Grant>,
    pub limit: Option<Decision>,
    pub request_out: Option<i64>,
    pub response_in: Option<i64>,
    /// Set for a visit to a web application: the person the web listener verified.
    pub web: Option<Arc<crate::webapp::WebIdentity>>,
}

impl RequestCtx {
    pub fn new(id: String, client: SocketAddr, now: Timestamp) -> Self {
        Self {
            id,
            client,
            now,
            received: Instant::now(),
            received_at: micros(now),
            consumer: None,
            route: None,
            method: None,
            rest: String::new(),
            grant: None,
            limit: None,
            request_out: None,
            response_in: None,
            web: None,
        }
    }

    /// µs since the epoch now: the arrival time plus the monotonic time since, so the four
    /// timestamps are ordered even if the wall clock steps.
    pub fn micros_now(&self) -> i64 {
        self.received_at + i64::try_from(self.received.elapsed().as_micros()).unwrap_or(i64::MAX / 2)
    }

    pub fn received_at(&self) -> i64 {
        self.received_at
    }

    pub fn received(&self) -> Instant {
        self.received
    }

    pub fn consumer_label(&self) -> Option<&str> {
        self.consumer.as_ref().map(|c| c.label.as_str())
    }

    pub fn route_key(&self) -> Option<&str> {
        self.route.as_ref().map(|r| r.key.as_str())
    }

    pub fn labels(&self) -> Labels {
        let dash = || "-".to_owned();
        Labels {
            agency: self.route.as_ref().map_or_else(dash, |r| r.agency.to_string()),
            application: self
                .route
                .as_ref()
                .map_or_else(dash, |r| r.application.to_string()),
            service: self.route.as_ref().map_or_else(dash, |r| r.service.to_string()),
            consumer: self.consumer_label().map_or_else(dash, str::to_owned),
        }
    }
}
