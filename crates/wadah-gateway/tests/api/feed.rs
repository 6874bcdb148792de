//! The change feed (DESIGN.md §5): a committed registry change wakes the snapshot refresher
//! at once, so it is live within a second even when the safety-net poll is an hour away.

use std::time::Duration;

use crate::helpers::*;

#[tokio::test]
async fn a_revocation_is_live_through_the_change_feed_without_waiting_for_the_poll() {
    let gw = spawn_with(Options {
        tune: |c| c.refresh_interval = Duration::from_secs(3600),
        ..Options::default()
    })
    .await;
    let path = "/bpsdm/simpeg/pegawai/x";
    assert_eq!(gw.get(path, Some(&gw.dashboard)).await.status, 200);
    gw.store
        .revoke_credential(&gw.dashboard.id, &change())
        .await
        .unwrap();
    let took = gw
        .eventually(path, &gw.dashboard, Duration::from_secs(1), |a| a.status == 401)
        .await;
    assert!(took < Duration::from_secs(1), "{took:?}");
}
