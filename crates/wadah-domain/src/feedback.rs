//! Feedback on a public service: an optional 1–5 rating and an optional short comment, given
//! without an account. The aggregate (mean rating and count) is the satisfaction measure the
//! Indeks Pemerintah Digital asks for; comments are for the providing agency only, because an
//! unmoderated public comment box would publish whatever anyone types (names, NIK, abuse).
//!
//! Nothing here identifies the person: no account, no IP address, no e-mail.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{Code, ValidationError};

/// The longest comment, in characters (a paragraph; longer text belongs in a complaint).
pub const MAX_COMMENT_CHARS: usize = 1000;

/// A rating from 1 (very unsatisfied) to 5 (very satisfied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rating(u8);

impl Rating {
    /// A rating from a form field: empty means "no rating".
    pub fn parse(raw: &str) -> Result<Option<Self>, ValidationError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match raw.parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Some(Self(n))),
            _ => Err(ValidationError::new(
                "rating",
                "a rating is a whole number from 1 to 5",
            )),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// A comment: trimmed, at most [`MAX_COMMENT_CHARS`] characters, no control characters other
/// than line breaks and tabs (they would only hide text from the agency that reads it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Comment(String);

impl Comment {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let text = raw.trim().replace("\r\n", "\n");
        if text.chars().count() > MAX_COMMENT_CHARS {
            return Err(ValidationError::new(
                "comment",
                format!("a comment has at most {MAX_COMMENT_CHARS} characters"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(ValidationError::new(
                "comment",
                "the comment contains control characters",
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a reader submits: a rating, a comment, or both (never neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackSpec {
    pub rating: Option<Rating>,
    pub comment: Comment,
}

impl FeedbackSpec {
    pub fn new(rating: Option<Rating>, comment: Comment) -> Result<Self, ValidationError> {
        if rating.is_none() && comment.is_empty() {
            return Err(ValidationError::new("rating", "give a rating, a comment or both"));
        }
        Ok(Self { rating, comment })
    }
}

/// One stored piece of feedback, as the providing agency reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Feedback {
    pub id: String,
    pub agency: Code,
    /// The public service's code.
    pub public_service: Code,
    /// 1–5, or absent when only a comment was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// Empty when only a rating was given.
    pub comment: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// The aggregate of a service's feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
pub struct FeedbackSummary {
    /// How many ratings were given.
    pub ratings: u64,
    /// Their sum (the mean is `rating_sum / ratings`).
    pub rating_sum: u64,
    /// How many pieces of feedback carry a comment.
    pub comments: u64,
}

impl FeedbackSummary {
    /// The mean rating, `None` before the first rating.
    pub fn mean(&self) -> Option<f64> {
        (self.ratings > 0).then(|| self.rating_sum as f64 / self.ratings as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_one_to_five_or_nothing() {
        assert_eq!(Rating::parse("").unwrap(), None);
        assert_eq!(Rating::parse(" 4 ").unwrap().map(Rating::get), Some(4));
        for bad in ["0", "6", "-1", "4.5", "lima", "99999999999"] {
            assert_eq!(Rating::parse(bad).unwrap_err().field, "rating", "{bad}");
        }
    }

    #[test]
    fn comments_are_trimmed_bounded_and_printable() {
        assert_eq!(
            Comment::parse("  bagus\r\nsekali ").unwrap().as_str(),
            "bagus\nsekali"
        );
        assert!(Comment::parse(&"é".repeat(MAX_COMMENT_CHARS)).is_ok());
        assert!(Comment::parse(&"é".repeat(MAX_COMMENT_CHARS + 1)).is_err());
        assert!(Comment::parse("a\u{0}b").is_err());
        assert!(Comment::parse("a\u{1b}[31mb").is_err());
    }

    #[test]
    fn feedback_needs_a_rating_or_a_comment() {
        let empty = Comment::parse("   ").unwrap();
        assert!(FeedbackSpec::new(None, empty.clone()).is_err());
        assert!(FeedbackSpec::new(Rating::parse("3").unwrap(), empty).is_ok());
        assert!(FeedbackSpec::new(None, Comment::parse("x").unwrap()).is_ok());
        let s = FeedbackSummary {
            ratings: 3,
            rating_sum: 13,
            comments: 1,
        };
        assert!((s.mean().unwrap() - 13.0 / 3.0).abs() < 1e-9);
        assert_eq!(FeedbackSummary::default().mean(), None);
    }
}
