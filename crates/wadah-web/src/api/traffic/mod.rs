//! `/api/v1/traffic` and `/api/v1/integration-map`: what went through the gateway, counted
//! from the evidence index, for the console's dashboards and anyone who scripts against them.
//!
//! Both answer within the caller's evidence-log scope (`Principal::audit_scope`): an agency's
//! admin sees exchanges where the agency consumes or provides, a developer their
//! application's, evaluators nothing (403). The integration map adds the access rights the
//! caller may see, so a granted but unused link shows too. The index is filled within about
//! a second of an exchange; latencies are estimates from latency classes (see `summary`).

pub mod map;
pub mod summary;

use chrono::{DurationRound, TimeDelta};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wadah_domain::Timestamp;
use wadah_store::TrafficQuery;

use super::audit::codes;
use super::prelude::*;
use summary::{Tally, summarise, top};

/// How many services and consumers the report lists.
const TOP: usize = 10;

/// The window a report covers, ending now, and the width of its buckets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
pub enum Window {
    /// The last 24 hours, per hour.
    #[default]
    #[serde(rename = "24h")]
    Day,
    /// The last 7 days, per 6 hours.
    #[serde(rename = "7d")]
    Week,
    /// The last 30 days, per day.
    #[serde(rename = "30d")]
    Month,
}

impl Window {
    pub fn bucket(self) -> TimeDelta {
        match self {
            Self::Day => TimeDelta::hours(1),
            Self::Week => TimeDelta::hours(6),
            Self::Month => TimeDelta::days(1),
        }
    }

    pub fn buckets(self) -> i32 {
        match self {
            Self::Day => 24,
            Self::Week => 28,
            Self::Month => 30,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "24h",
            Self::Week => "7d",
            Self::Month => "30d",
        }
    }

    /// `[from, to)`: whole buckets (UTC-aligned), the last one holding `now`.
    pub fn span(self, now: Timestamp) -> (Timestamp, Timestamp) {
        let bucket = self.bucket();
        let to = now.duration_trunc(bucket).unwrap_or(now) + bucket;
        (to - bucket * self.buckets(), to)
    }
}

/// Query of the traffic report.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrafficParams {
    /// `24h` (default, per hour), `7d` (per 6 hours) or `30d` (per day).
    pub window: Option<Window>,
    /// Only exchanges where this agency consumes or provides.
    pub agency: Option<Code>,
    /// Only this service: `agency/application/service`.
    #[param(max_length = 200, example = "bpsdm/simpeg/pegawai")]
    pub service: Option<String>,
}

/// Counts and latencies of a set of exchanges.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figures {
    pub requests: u64,
    /// Answers with a 4xx status.
    pub client_errors: u64,
    /// Answers with a 5xx status (upstream failures, timeouts, open circuits).
    pub server_errors: u64,
    /// Admitted, without an outcome in the index yet.
    pub pending: u64,
    /// Median latency in ms (estimated; null without finished exchanges).
    pub p50_ms: Option<f64>,
    /// 95th percentile latency in ms (estimated).
    pub p95_ms: Option<f64>,
}

impl From<&Tally> for Figures {
    fn from(t: &Tally) -> Self {
        let round = |v: Option<f64>| v.map(|ms| (ms * 10.0).round() / 10.0);
        Self {
            requests: t.requests,
            client_errors: t.client_errors,
            server_errors: t.server_errors,
            pending: t.pending,
            p50_ms: round(t.quantile(0.5)),
            p95_ms: round(t.quantile(0.95)),
        }
    }
}

/// One bucket of the series.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Point {
    pub start: chrono::DateTime<chrono::Utc>,
    pub figures: Figures,
}

/// A provided service and its traffic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceTraffic {
    pub agency: String,
    pub application: String,
    pub service: String,
    pub figures: Figures,
}

/// A consuming application and its traffic.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsumerTraffic {
    pub agency: String,
    pub application: String,
    pub figures: Figures,
}

/// Traffic through the gateway in a window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrafficReport {
    pub window: Window,
    pub from: chrono::DateTime<chrono::Utc>,
    pub to: chrono::DateTime<chrono::Utc>,
    pub bucket_seconds: i64,
    pub totals: Figures,
    /// One point per bucket, oldest first, empty buckets included.
    pub series: Vec<Point>,
    /// The busiest services (at most 10), busiest first.
    pub services: Vec<ServiceTraffic>,
    /// The busiest consumers (at most 10), busiest first.
    pub consumers: Vec<ConsumerTraffic>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/traffic", get(traffic_report))
        .route("/api/v1/integration-map", get(map::integration_map))
}

/// Traffic through the gateway: totals, a series, the busiest services and consumers.
#[utoipa::path(get, path = "/api/v1/traffic", tag = "audit",
    params(TrafficParams),
    responses(
        (status = 200, description = "The traffic report", body = TrafficReport),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
    ),
    security(("bearer" = [])))]
pub async fn traffic_report(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<TrafficParams>,
) -> ApiResult<axum::Json<TrafficReport>> {
    let window = params.window.unwrap_or_default();
    let query = query(&state, &caller, window, &params)?;
    let rows = state.store().traffic(&query).await.map_err(list_error)?;
    let summary = summarise(&rows, usize::try_from(window.buckets()).unwrap_or(0));
    let bucket = window.bucket();
    Ok(axum::Json(TrafficReport {
        window,
        from: query.from,
        to: query.to,
        bucket_seconds: bucket.num_seconds(),
        totals: (&summary.total).into(),
        series: (0..)
            .zip(&summary.series)
            .map(|(i, t)| Point {
                start: query.from + bucket * i,
                figures: t.into(),
            })
            .collect(),
        services: top(&summary.services, TOP)
            .into_iter()
            .map(|((agency, application, service), t)| ServiceTraffic {
                agency,
                application,
                service,
                figures: (&t).into(),
            })
            .collect(),
        consumers: top(&summary.consumers, TOP)
            .into_iter()
            .map(|((agency, application), t)| ConsumerTraffic {
                agency,
                application,
                figures: (&t).into(),
            })
            .collect(),
    }))
}

/// The store query for `window` within the caller's scope; 403 for roles without one.
pub fn query(
    state: &AppState,
    caller: &Caller,
    window: Window,
    params: &TrafficParams,
) -> ApiResult<TrafficQuery> {
    let Some(scope) = caller.principal().audit_scope() else {
        return Err(ApiError::forbidden("your role may not read traffic figures"));
    };
    let service = match &params.service {
        None => None,
        Some(raw) => {
            let parts = codes(raw, 3, "service")?;
            let [agency, application, service] = <[String; 3]>::try_from(parts)
                .map_err(|_| ApiError::invalid_query("`service` is agency/application/service"))?;
            Some((agency, application, service))
        }
    };
    let (from, to) = window.span(state.now());
    Ok(TrafficQuery {
        scope,
        agency: params.agency.as_ref().map(|a| a.as_str().to_owned()),
        service,
        from,
        to,
        bucket_ms: window.bucket().num_milliseconds(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_with_the_bucket_that_holds_now() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-29T10:17:00Z")
            .unwrap()
            .to_utc();
        let (from, to) = Window::Day.span(now);
        assert_eq!(to.to_rfc3339(), "2026-11-29T11:00:00+00:00");
        assert_eq!(from.to_rfc3339(), "2026-11-28T11:00:00+00:00");
        let (from, to) = Window::Month.span(now);
        assert_eq!((to - from).num_days(), 30);
        assert_eq!(to.to_rfc3339(), "2026-11-30T00:00:00+00:00");
    }
}
