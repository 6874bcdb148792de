//! A limit on *starting* logins per client address: each start writes a pending login to the
//! store and sends the browser to the provider, so a script hammering
//! `/sso/{provider}/masuk` would otherwise fill the store and make Wadah flood the provider.
//! [`PER_MINUTE`] starts per address and minute (generous: an office shares one address),
//! counted per node in fixed one-minute windows; the table is bounded and forgets past
//! windows.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Login starts allowed per client address and minute, on one node.
pub const PER_MINUTE: u32 = 60;
/// Most addresses tracked at once; past windows are dropped first when it fills up.
const MAX_ADDRESSES: usize = 50_000;

#[derive(Debug, Default)]
pub struct StartLimit {
    windows: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

impl StartLimit {
    /// Counts one start by `ip` at `now` (seconds); `Err(retry_after_secs)` when over.
    pub fn admit(&self, ip: IpAddr, now: i64) -> Result<(), i64> {
        let minute = now.div_euclid(60);
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() >= MAX_ADDRESSES && !windows.contains_key(&ip) {
            windows.retain(|_, (m, _)| *m == minute);
            if windows.len() >= MAX_ADDRESSES {
                // Still full within this minute: a flood from many addresses; refuse newcomers.
                return Err(60 - now.rem_euclid(60));
            }
        }
        let entry = windows.entry(ip).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        if entry.1 >= PER_MINUTE {
            return Err(60 - now.rem_euclid(60));
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_may_start_a_minute_s_worth_of_logins_then_waits() {
        let limit = StartLimit::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = 6_000_000; // a minute boundary
        for _ in 0..PER_MINUTE {
            assert!(limit.admit(a, t + 5).is_ok());
        }
        assert_eq!(limit.admit(a, t + 20), Err(40));
        assert!(limit.admit(b, t + 20).is_ok(), "other addresses are not affected");
        assert!(limit.admit(a, t + 60).is_ok(), "the next minute starts afresh");
    }
}
