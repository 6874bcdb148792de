//! The filter builder for list queries. SQL text is assembled only from `&'static str`
//! fragments written in this crate; every value is bound to a `$n` placeholder, never formatted
//! into the text. That is what makes the one `AssertSqlSafe` below sound (sqlx 0.9 asks dynamic
//! SQL to say so explicitly).
//!
//! Fragments use `?` where a value goes; the builder numbers them `$1…$n` in order, which is
//! the placeholder syntax both engines accept through the `Any` driver.

use sqlx::AnyConnection;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_store::{PageRequest, StoreError, StoreResult};

use crate::SqlStore;
use crate::tx::Q;

/// A value for one placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
}

impl From<&str> for Arg {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&Code> for Arg {
    fn from(v: &Code) -> Self {
        Self::Text(v.as_str().to_owned())
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

/// A SELECT under construction: a static head, `WHERE … AND …` conditions, an ORDER BY and a
/// LIMIT.
#[derive(Debug)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
    conditions: usize,
    error: Option<String>,
    /// Planned for its own values each time rather than prepared once (see [`Sql::unprepared`]).
    unprepared: bool,
}

impl Sql {
    /// Starts from a `SELECT … FROM … JOIN …` without a WHERE clause.
    pub(crate) fn select(head: &'static str) -> Self {
        Self {
            text: head.to_owned(),
            args: Vec::new(),
            conditions: 0,
            error: None,
            unprepared: false,
        }
    }

    /// Has the engine plan this query for its actual values every time instead of caching a
    /// prepared statement. PostgreSQL switches a cached statement to a generic plan after a
    /// few runs, and a generic plan cannot know whether a search word is rare or in every row,
    /// which decides between an index walk and reading a word's whole range.
    pub(crate) fn unprepared(&mut self) -> &mut Self {
        self.unprepared = true;
        self
    }

    /// Starts from a head that takes values (a `WITH … AS (… ? …)` before the SELECT, say).
    pub(crate) fn select_with<const N: usize>(head: &'static str, args: [Arg; N]) -> Self {
        let mut sql = Self::select("");
        sql.push(head, args);
        sql
    }

    /// Adds a condition; its `?`s take `args` in order.
    pub(crate) fn filter<const N: usize>(&mut self, cond: &'static str, args: [Arg; N]) -> &mut Self {
        self.text
            .push_str(if self.conditions == 0 { " WHERE " } else { " AND " });
        self.conditions += 1;
        self.push(cond, args)
    }

    /// Adds a one-value condition when the value is there.
    pub(crate) fn filter_opt(&mut self, cond: &'static str, value: Option<impl Into<Arg>>) -> &mut Self {
        if let Some(v) = value {
            self.filter(cond, [v.into()]);
        }
        self
    }

    /// `column IN (…)` over `values` (an empty list matches nothing).
    pub(crate) fn filter_in(&mut self, column: &'static str, values: Vec<String>) -> &mut Self {
        self.text
            .push_str(if self.conditions == 0 { " WHERE " } else { " AND " });
        self.conditions += 1;
        if values.is_empty() {
            self.text.push_str("1 = 0");
            return self;
        }
        self.text.push_str(column);
        self.text.push_str(" IN (");
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push("?", [Arg::Text(v)]);
        }
        self.text.push(')');
        self
    }

    /// The substring `q` search against a lower-case `search` column (`%`, `_`, `\` taken
    /// literally); only users still search this way, the registry uses its word index.
    pub(crate) fn search(&mut self, column_cond: &'static str, page: &PageRequest) -> &mut Self {
        self.filter_opt(column_cond, page.like_pattern())
    }

    /// `ORDER BY order LIMIT limit+1`: the extra row tells `Page::from_rows` there is more.
    pub(crate) fn page(&mut self, order: &'static str, limit: u32) -> &mut Self {
        self.text.push_str(" ORDER BY ");
        self.text.push_str(order);
        self.push(" LIMIT ?", [Arg::Int(i64::from(limit) + 1)])
    }

    /// Appends `fragment` verbatim, numbering its `?`s.
    pub(crate) fn push<const N: usize>(&mut self, fragment: &'static str, args: [Arg; N]) -> &mut Self {
        let mut supplied = args.into_iter();
        for c in fragment.chars() {
            if c != '?' {
                self.text.push(c);
                continue;
            }
            match supplied.next() {
                Some(arg) => {
                    self.args.push(arg);
                    self.text.push_str(&format!("${}", self.args.len()));
                }
                None => self.error = Some(format!("too few values for {fragment:?}")),
            }
        }
        if supplied.next().is_some() {
            self.error = Some(format!("too many values for {fragment:?}"));
        }
        self
    }

    /// The statement with its values bound, e.g. for [`crate::tx::Tx::exec`].
    pub(crate) fn into_query(self) -> StoreResult<Q> {
        if let Some(e) = self.error {
            return Err(StoreError::Internal(format!("malformed query: {e}")));
        }
        let mut query = sqlx::query(AssertSqlSafe(self.text)).persistent(!self.unprepared);
        for arg in self.args {
            query = match arg {
                Arg::Text(s) => query.bind(s),
                Arg::Int(i) => query.bind(i),
            };
        }
        Ok(query)
    }

    pub(crate) async fn fetch_all(
        self,
        store: &SqlStore,
        conn: &mut AnyConnection,
    ) -> StoreResult<Vec<AnyRow>> {
        self.into_query()?.fetch_all(conn).await.map_err(|e| store.db(e))
    }
}

/// Splits a composite cursor such as `bpsdm/simpeg/pegawai` into its `N` parts.
pub(crate) fn split_cursor<const N: usize>(cursor: &str) -> StoreResult<[String; N]> {
    let parts: Vec<String> = cursor.split('/').map(str::to_owned).collect();
    parts
        .try_into()
        .map_err(|_| StoreError::InvalidState(format!("the cursor {cursor:?} is not valid for this list")))
}
