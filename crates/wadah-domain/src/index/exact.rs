//! Exact rational numbers for index scoring: a reduced fraction over `i128`.
//!
//! Why not `f64`: the official figures are rounded half-up to two decimals, and a binary float
//! lands on the wrong side of the boundary (4.765 is 4.76499999… as an `f64`, which rounds to
//! 4.76; the published figure is 4.77). Every weight in the instruments is a short decimal and
//! every level an integer, so all figures are fractions of small integers; this type keeps them
//! exact. Operations are checked: an overflow is `None`, never a wrapped value (the instrument
//! loader's limits keep real inputs many orders of magnitude below `i128`).
//!
//! Text forms: [`Exact::parse_decimal`] reads a JSON number literal exactly;
//! [`Exact::to_decimal_string`] writes a terminating fraction as a plain decimal and a
//! non-terminating one with its repeating block in parentheses (`34/11` → `3.(09)`, `11/6` →
//! `1.8(3)`), or as `num/den` when the block would be longer than [`MAX_REPETEND`] digits.

use std::cmp::Ordering;
use std::fmt;

/// The longest repeating block written out in decimal form; longer ones are written `num/den`.
pub const MAX_REPETEND: usize = 40;

/// The most digits a decimal literal may have (integer and fraction part together).
const MAX_LITERAL_DIGITS: usize = 30;

/// A rational number `num/den` in lowest terms with `den > 0`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Exact {
    num: i128,
    den: i128,
}

/// Why a decimal literal was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text:?} is not a decimal number ({reason})")]
pub struct ParseExactError {
    pub text: String,
    pub reason: &'static str,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Exact {
    pub const ZERO: Exact = Exact { num: 0, den: 1 };

    /// `num/den` reduced; `None` when `den` is zero. `i128::MIN` is refused in either place so
    /// that `abs` and negation are total on every value of this type.
    pub fn new(num: i128, den: i128) -> Option<Self> {
        if den == 0 || num == i128::MIN || den == i128::MIN {
            return None;
        }
        let g = gcd(num, den).max(1);
        let (mut num, mut den) = (num / g, den / g);
        if den < 0 {
            num = num.checked_neg()?;
            den = den.checked_neg()?;
        }
        Some(Self { num, den })
    }

    pub fn from_int(n: i128) -> Self {
        Self { num: n, den: 1 }
    }

    pub fn numer(&self) -> i128 {
        self.num
    }

    pub fn denom(&self) -> i128 {
        self.den
    }

    pub fn is_integer(&self) -> bool {
        self.den == 1
    }

    pub fn checked_add(self, other: Self) -> Option<Self> {
        let g = gcd(self.den, other.den);
        let lcm = (self.den / g).checked_mul(other.den)?;
        let a = self.num.checked_mul(lcm / self.den)?;
        let b = other.num.checked_mul(lcm / other.den)?;
        Self::new(a.checked_add(b)?, lcm)
    }

    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(Self {
            num: other.num.checked_neg()?,
            den: other.den,
        })
    }

    pub fn checked_mul(self, other: Self) -> Option<Self> {
        // Cross-reduce first so intermediate products stay small.
        let g1 = gcd(self.num, other.den).max(1);
        let g2 = gcd(other.num, self.den).max(1);
        let num = (self.num / g1).checked_mul(other.num / g2)?;
        let den = (self.den / g2).checked_mul(other.den / g1)?;
        Self::new(num, den)
    }

    pub fn checked_div(self, other: Self) -> Option<Self> {
        if other.num == 0 {
            return None;
        }
        self.checked_mul(Self::new(other.den, other.num)?)
    }

    /// `10^places` as an integer.
    fn pow10(places: u32) -> Option<i128> {
        10i128.checked_pow(places)
    }

    /// Rounds to `places` decimals, half away from zero (for the non-negative figures of an
    /// index this is "half-up": 4.765 → 4.77, 4.7649… → 4.76).
    pub fn round_half_up(self, places: u32) -> Option<Self> {
        let scale = Self::pow10(places)?;
        let scaled = self.num.abs().checked_mul(scale)?;
        // floor(|x|·10^p + 1/2) = floor((2·|num|·10^p + den) / (2·den))
        let twice = scaled.checked_mul(2)?.checked_add(self.den)?;
        let rounded = twice / self.den.checked_mul(2)?;
        let signed = if self.num < 0 { -rounded } else { rounded };
        Self::new(signed, scale)
    }

    /// Reads a JSON number literal (`-`? digits, optional `.digits`, optional exponent) exactly.
    pub fn parse_decimal(text: &str) -> Result<Self, ParseExactError> {
        let err = |reason| ParseExactError {
            text: text.chars().take(40).collect(),
            reason,
        };
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exp = &rest[at + 1..];
                let exp = exp.strip_prefix('+').unwrap_or(exp);
                let exp: i32 = exp.parse().map_err(|_| err("bad exponent"))?;
                (&rest[..at], exp)
            }
            None => (rest, 0),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        if int_part.is_empty() || mantissa.ends_with('.') {
            return Err(err("digits expected on both sides of the decimal point"));
        }
        if !int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit())
        {
            return Err(err("only digits, one '.', and an exponent are allowed"));
        }
        if int_part.len() + frac_part.len() > MAX_LITERAL_DIGITS {
            return Err(err("too many digits"));
        }
        let digits: i128 = format!("{int_part}{frac_part}")
            .parse()
            .map_err(|_| err("too many digits"))?;
        let frac_len = i32::try_from(frac_part.len()).map_err(|_| err("too many digits"))?;
        let shift = exponent
            .checked_sub(frac_len)
            .ok_or_else(|| err("exponent out of range"))?;
        if shift.unsigned_abs() > 30 {
            return Err(err("exponent out of range"));
        }
        let pow = Self::pow10(shift.unsigned_abs()).ok_or_else(|| err("exponent out of range"))?;
        let value = if shift >= 0 {
            digits.checked_mul(pow).and_then(|n| Self::new(n, 1))
        } else {
            Self::new(digits, pow)
        };
        let value = value.ok_or_else(|| err("out of range"))?;
        Ok(if negative {
            Self {
                num: -value.num,
                den: value.den,
            }
        } else {
            value
        })
    }

    /// The number of decimals a terminating value needs, `None` if it does not terminate.
    pub fn decimal_places(&self) -> Option<u32> {
        let (mut d, mut twos, mut fives) = (self.den, 0u32, 0u32);
        while d % 2 == 0 {
            d /= 2;
            twos += 1;
        }
        while d % 5 == 0 {
            d /= 5;
            fives += 1;
        }
        (d == 1).then_some(twos.max(fives))
    }

    /// Exact decimal text with at least `min_places` decimals: `3.282`, `3.00`; a
    /// non-terminating value gets its repeating block in parentheses (`3.(09)`), or `num/den`
    /// when that block is longer than [`MAX_REPETEND`] digits.
    pub fn to_decimal_string(&self, min_places: u32) -> String {
        if let Some(places) = self.decimal_places() {
            return self
                .fixed(places.max(min_places))
                .unwrap_or_else(|| self.fraction_string());
        }
        self.repeating_string().unwrap_or_else(|| self.fraction_string())
    }

    /// The value written with exactly `places` decimals after rounding half-up (`3.40`).
    pub fn fixed(&self, places: u32) -> Option<String> {
        let rounded = self.round_half_up(places)?;
        let scale = Self::pow10(places)?;
        let scaled = rounded.num.checked_mul(scale / rounded.den)?;
        let sign = if scaled < 0 { "-" } else { "" };
        let abs = scaled.unsigned_abs();
        let scale = scale.unsigned_abs();
        let (int, frac) = (abs / scale, abs % scale);
        Some(if places == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac:0width$}", width = places as usize)
        })
    }

    fn fraction_string(&self) -> String {
        format!("{}/{}", self.num, self.den)
    }

    /// Long division, remembering where each remainder first appeared to find the cycle.
    fn repeating_string(&self) -> Option<String> {
        let sign = if self.num < 0 { "-" } else { "" };
        let (num, den) = (self.num.unsigned_abs(), self.den.unsigned_abs());
        let mut digits = String::new();
        let mut seen: Vec<(u128, usize)> = Vec::new();
        let mut rem = num % den;
        while rem != 0 {
            if let Some(&(_, at)) = seen.iter().find(|(r, _)| *r == rem) {
                let (head, cycle) = digits.split_at(at);
                return Some(format!("{sign}{}.{head}({cycle})", num / den));
            }
            if digits.len() > MAX_REPETEND + 40 {
                return None;
            }
            seen.push((rem, digits.len()));
            let next = rem.checked_mul(10)?;
            digits.push(char::from(b'0' + u8::try_from(next / den).ok()?));
            rem = next % den;
        }
        Some(format!("{sign}{}.{digits}", num / den))
    }
}

impl Ord for Exact {
    /// Compares by continued fractions: no multiplication, so no overflow for any values.
    fn cmp(&self, other: &Self) -> Ordering {
        let (mut a, mut b, mut c, mut d) = (self.num, self.den, other.num, other.den);
        let mut flipped = false;
        loop {
            let (q1, r1) = (a.div_euclid(b), a.rem_euclid(b));
            let (q2, r2) = (c.div_euclid(d), c.rem_euclid(d));
            let ord = match q1.cmp(&q2) {
                Ordering::Equal => match (r1 == 0, r2 == 0) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => {
                        // r1/b vs r2/d is the reverse of b/r1 vs d/r2.
                        (a, b, c, d) = (b, r1, d, r2);
                        flipped = !flipped;
                        continue;
                    }
                },
                ord => ord,
            };
            return if flipped { ord.reverse() } else { ord };
        }
    }
}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Debug for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_decimal_string(0))
    }
}

impl fmt::Display for Exact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_decimal_string(0))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Exact {
        Exact::parse_decimal(s).unwrap()
    }

    #[test]
    fn parses_json_number_literals_exactly() {
        assert_eq!(d("2.75"), Exact::new(11, 4).unwrap());
        assert_eq!(d("1.30"), d("1.3"));
        assert_eq!(d("33.33"), Exact::new(3333, 100).unwrap());
        assert_eq!(d("5"), Exact::from_int(5));
        assert_eq!(d("-0.5"), Exact::new(-1, 2).unwrap());
        assert_eq!(d("4.2e1"), Exact::from_int(42));
        assert_eq!(d("125E-3"), Exact::new(1, 8).unwrap());
        // 0.1 + 0.2 is exactly 0.3 here, unlike in binary floating point.
        assert_eq!(d("0.1").checked_add(d("0.2")).unwrap(), d("0.3"));
        for bad in [
            "", ".5", "5.", "1.2.3", "1,5", "0x10", "NaN", "1e", "\"1\"", "1e99",
        ] {
            assert!(Exact::parse_decimal(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn rounds_half_up_at_the_boundary() {
        let r = |s: &str| d(s).round_half_up(2).unwrap().fixed(2).unwrap();
        assert_eq!(r("4.7650"), "4.77"); // Kab. Banyuwangi 2024; half-even would give 4.76
        assert_eq!(r("4.7649"), "4.76");
        assert_eq!(r("3.4985"), "3.50");
        assert_eq!(r("1.7995"), "1.80");
        assert_eq!(r("2.0050"), "2.01");
        assert_eq!(r("2.0049999"), "2.00");
        assert_eq!(r("0.005"), "0.01");
        assert_eq!(r("-0.005"), "-0.01");
        assert_eq!(r("3"), "3.00");
        assert_eq!(Exact::new(34, 11).unwrap().fixed(2).unwrap(), "3.09");
        assert_eq!(Exact::new(5, 8).unwrap().fixed(2).unwrap(), "0.63");
    }

    #[test]
    fn writes_exact_decimal_text() {
        assert_eq!(d("3.282").to_decimal_string(2), "3.282");
        assert_eq!(d("3").to_decimal_string(2), "3.00");
        assert_eq!(d("4.765").to_decimal_string(0), "4.765");
        assert_eq!(Exact::new(34, 11).unwrap().to_decimal_string(2), "3.(09)");
        assert_eq!(Exact::new(11, 6).unwrap().to_decimal_string(2), "1.8(3)");
        assert_eq!(Exact::new(1, 3).unwrap().to_decimal_string(2), "0.(3)");
        assert_eq!(Exact::new(-1, 7).unwrap().to_decimal_string(2), "-0.(142857)");
        assert_eq!(Exact::new(1, 10007).unwrap().to_decimal_string(2), "1/10007");
    }

    #[test]
    fn compares_without_overflow() {
        let big = Exact::new(i128::MAX - 1, i128::MAX).unwrap();
        let bigger = Exact::new(i128::MAX - 2, i128::MAX - 1).unwrap();
        assert!(big > bigger);
        assert!(d("4.2") > d("4.19999"));
        assert!(d("-1.5") < d("-1.25"));
        assert_eq!(d("3.50").cmp(&d("3.5")), Ordering::Equal);
    }

    #[test]
    fn overflow_is_none_never_a_wrapped_value() {
        let big = Exact::from_int(i128::MAX / 2);
        assert_eq!(big.checked_mul(Exact::from_int(3)), None);
        assert_eq!(Exact::new(i128::MIN, 1), None);
        assert_eq!(
            Exact::from_int(i128::MIN + 1).checked_sub(Exact::from_int(1)),
            None
        );
        assert_eq!(Exact::from_int(1).checked_div(Exact::ZERO), None);
        assert_eq!(Exact::new(1, 0), None);
    }

    proptest! {
        #[test]
        fn ordering_matches_cross_multiplication(a in -10_000i128..10_000, b in 1i128..10_000,
                                                 c in -10_000i128..10_000, e in 1i128..10_000) {
            let x = Exact::new(a, b).unwrap();
            let y = Exact::new(c, e).unwrap();
            prop_assert_eq!(x.cmp(&y), (a * e).cmp(&(c * b)));
        }

        #[test]
        fn fixed_text_parses_back_to_the_rounded_value(a in 0i128..1_000_000, b in 1i128..100_000) {
            let x = Exact::new(a, b).unwrap();
            let shown = x.fixed(2).unwrap();
            prop_assert_eq!(d(&shown), x.round_half_up(2).unwrap());
            // Never more than half a unit in the last place away from the exact value.
            let diff = d(&shown).checked_sub(x).unwrap();
            prop_assert!(diff <= d("0.005") && diff > d("-0.005"));
        }

        #[test]
        fn decimal_text_is_exact(a in -100_000i128..100_000, b in 1i128..2_000) {
            let x = Exact::new(a, b).unwrap();
            let text = x.to_decimal_string(0);
            if x.decimal_places().is_some() {
                prop_assert_eq!(d(&text), x);
            } else {
                prop_assert!(text.contains('(') || text.contains('/'));
            }
        }
    }
}
