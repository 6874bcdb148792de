//! Numbers and dates written the way each language writes them: `1.234,5` and
//! `29 November 2026` in Indonesian, `1,234.5` and `29 November 2026` in English. Small and
//! hand-written because two languages need only two separators and two month tables; a full
//! CLDR library would be most of the portal's binary size.

use chrono::{DateTime, Datelike, Offset as _, Utc};

use super::i18n::Lang;

const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn separators(lang: Lang) -> (char, char) {
    match lang {
        // (thousands, decimal)
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    }
}

/// A whole number with thousands grouped: `1.234` / `1,234`.
pub fn integer(lang: Lang, n: u64) -> String {
    let (group, _) = separators(lang);
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// A number with `decimals` digits after the separator: `1.234,5` / `1,234.5`.
pub fn decimal(lang: Lang, x: f64, decimals: usize) -> String {
    let (_, point) = separators(lang);
    let fixed = format!("{:.*}", decimals, x.abs());
    let (whole, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let sign = if x < 0.0 && fixed.chars().any(|c| matches!(c, '1'..='9')) {
        "-"
    } else {
        ""
    };
    let whole = integer(lang, whole.parse().unwrap_or(0));
    if frac.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}{point}{frac}")
    }
}

/// A calendar date in words: `29 November 2026` (the day in UTC+8, Bontang's time, WITA).
pub fn date(lang: Lang, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&wita());
    let months = match lang {
        Lang::Id => &MONTHS_ID,
        Lang::En => &MONTHS_EN,
    };
    let month = months.get(local.month0() as usize).copied().unwrap_or_default();
    format!("{} {} {}", local.day(), month, local.year())
}

/// Waktu Indonesia Tengah, the city's time zone (no daylight saving).
fn wita() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn numbers_group_and_point_per_language() {
        assert_eq!(decimal(Lang::Id, 1234.5, 1), "1.234,5");
        assert_eq!(decimal(Lang::En, 1234.5, 1), "1,234.5");
        assert_eq!(integer(Lang::Id, 1_234_567), "1.234.567");
        assert_eq!(integer(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(integer(Lang::Id, 999), "999");
        assert_eq!(integer(Lang::Id, 0), "0");
        assert_eq!(decimal(Lang::Id, -0.04, 1), "0,0");
        assert_eq!(decimal(Lang::En, -1234.56, 1), "-1,234.6");
        assert_eq!(decimal(Lang::Id, 12.0, 0), "12");
    }

    #[test]
    fn dates_are_written_out_in_the_city_time_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 29, 6, 0, 0).unwrap();
        assert_eq!(date(Lang::Id, at), "29 November 2026");
        assert_eq!(date(Lang::En, at), "29 November 2026");
        let march = Utc.with_ymd_and_hms(2026, 3, 1, 17, 0, 0).unwrap();
        assert_eq!(
            date(Lang::Id, march),
            "2 Maret 2026",
            "01:00 WITA is the next day"
        );
        assert_eq!(date(Lang::En, march), "2 March 2026");
        let aug = Utc.with_ymd_and_hms(2026, 8, 17, 0, 0, 0).unwrap();
        assert_eq!(date(Lang::Id, aug), "17 Agustus 2026");
    }
}
