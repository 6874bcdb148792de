//! The word index behind `q` on registry lists (semantics: `wadah_store::search`), kept in one
//! table of words per kind (`agency_words`, `service_words`…, migration 0002).
//!
//! **Writes.** Creating an object inserts its words, renaming replaces them, in the write's own
//! transaction; deleting needs nothing, the foreign keys cascade. [`backfill`] fills in the
//! words of objects that predate the index (run by `migrate()`).
//!
//! **Reads.** A word of `q` is the index range `word >= from AND word < to` (bytewise: `COLLATE
//! "C"` on PostgreSQL), never a `LIKE`. A list runs its search one of two ways, both ordered by
//! the list's sort key and keyset-paged as before:
//! - *walk*: read the list in sort-key order through its index and keep the rows that have
//!   every word (one `EXISTS` probe of the `(object_id, word)` key per word). A page costs
//!   about `limit / share of matching rows` rows, so this is for scoped lists (one agency or
//!   application, bounded however common the words) and for words so common that matches are
//!   dense;
//! - *drive*: start from the rarest word's range (`WITH c AS MATERIALIZED (…)`, then `CROSS
//!   JOIN`, which pins the join order on SQLite), check the other words per candidate, and sort
//!   the survivors. A page costs about the size of that range, which [`Search::plan`] only
//!   chooses when the range holds fewer than [`DRIVE_LIMIT`] entries; it finds out with one
//!   query of capped `COUNT`s over the index, so planning reads at most `words × DRIVE_LIMIT`
//!   index entries.
//!
//! Queries with words are planned for their values every time (`Sql::unprepared`), and on
//! PostgreSQL the planner needs statistics (autovacuum's, or an `ANALYZE` after a bulk load)
//! to keep to these shapes; without any it may read a whole word range instead.
//!
//! The weak spot is a search whose words are each common but rarely together (every word over
//! [`DRIVE_LIMIT`] objects, yet few objects with all of them): it walks, and may read much of
//! the list to fill a page. Measured on 990,000 services: `svc0 svc1` (each word in a third of
//! them, never together) reads them all, about 6 s on SQLite.

use serde::Deserialize;
use sqlx::{AnyConnection, Row as _};
use wadah_store::search::{index_words, upper_bound};
use wadah_store::{PageRequest, StoreError, StoreResult};

use crate::SqlStore;
use crate::error::corrupt;
use crate::query::{Arg, Sql};
use crate::rows::RowExt;
use crate::tx::Tx;

/// Below this many index entries for its rarest word, a search drives from that word.
pub(crate) const DRIVE_LIMIT: i64 = 2000;

/// Objects per transaction when [`backfill`] indexes existing objects.
const BACKFILL_BATCH: i64 = 500;

/// Word rows per `INSERT` (two values each, well under both engines' limits on placeholders).
const INSERT_CHUNK: usize = 1000;

/// The static SQL of one kind's word table.
#[derive(Debug)]
pub(crate) struct WordIndex {
    /// `EXISTS (…)`: the list's object (by its alias) has a word in `[?, ?)`.
    exists: &'static str,
    /// A scalar subquery: the number of entries in `[?, ?)`, counting at most `?`.
    count: &'static str,
    insert: &'static str,
    delete: &'static str,
    /// Answers `n = 1` when objects exist but the word table is empty.
    unindexed: &'static str,
    /// `id, code, doc` of up to `$2` objects with ids after `$1`, by id.
    batch: &'static str,
}

/// The WordIndex of the word table `$words` of `$objects`, whose alias in list queries is
/// `$alias`.
macro_rules! word_index {
    ($words:literal, $objects:literal, $alias:literal) => {
        WordIndex {
            exists: concat!(
                "EXISTS (SELECT 1 FROM ",
                $words,
                " w WHERE w.object_id = ",
                $alias,
                ".id AND w.word >= ? AND w.word < ?)"
            ),
            count: concat!(
                "(SELECT COUNT(*) FROM (SELECT 1 FROM ",
                $words,
                " WHERE word >= ? AND word < ? LIMIT ?) t)"
            ),
            insert: concat!("INSERT INTO ", $words, " (object_id, word) VALUES "),
            delete: concat!("DELETE FROM ", $words, " WHERE object_id = $1"),
            unindexed: concat!(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM ",
                $objects,
                " WHERE NOT EXISTS (SELECT 1 FROM ",
                $words,
                ") LIMIT 1) t"
            ),
            batch: concat!(
                "SELECT id, code, doc FROM ",
                $objects,
                " WHERE id > $1 ORDER BY id LIMIT $2"
            ),
        }
    };
}

/// The head of a *drive* query: the distinct objects with a word in `[?, ?)` of `$words`, as
/// the materialised table `c (object_id)`. Follow it with `SELECT … FROM c CROSS JOIN …`.
macro_rules! words_cte {
    ($words:literal) => {
        concat!(
            "WITH c AS MATERIALIZED (SELECT DISTINCT object_id FROM ",
            $words,
            " WHERE word >= ? AND word < ?) "
        )
    };
}
pub(crate) use words_cte;

pub(crate) const GOVERNMENTS: WordIndex = word_index!("government_words", "governments", "g");
pub(crate) const AGENCIES: WordIndex = word_index!("agency_words", "agencies", "a");
pub(crate) const APPLICATIONS: WordIndex = word_index!("application_words", "applications", "p");
pub(crate) const SERVICES: WordIndex = word_index!("service_words", "services", "s");
pub(crate) const PUBLIC_SERVICES: WordIndex = word_index!("public_service_words", "public_services", "ps");

/// One word of `q` as an index range.
#[derive(Debug, Clone)]
struct Term {
    from: String,
    to: String,
}

impl Term {
    fn new(word: String) -> Self {
        // Words hold letters and digits only, so the bound always exists; the fallback sorts
        // after every word that starts with `word` anyway.
        let to = upper_bound(&word).unwrap_or_else(|| format!("{word}\u{10ffff}"));
        Self { from: word, to }
    }

    fn args(&self) -> [Arg; 2] {
        [self.from.as_str().into(), self.to.as_str().into()]
    }
}

/// How a list runs its `q`: see the module docs.
#[derive(Debug)]
pub(crate) struct Search {
    index: &'static WordIndex,
    /// Rarest first, once counted.
    terms: Vec<Term>,
    /// Whether the first term's range drives the query (*drive*) or not (*walk*).
    drive: bool,
    /// `q` cannot match anything (no words, or a word no object has).
    nothing: bool,
}

impl Search {
    /// Reads the page's `q` and chooses how to run it. `scoped` says the list is limited to one
    /// agency or less, so walking it is cheap whatever the words.
    pub(crate) async fn plan(
        store: &SqlStore,
        conn: &mut AnyConnection,
        index: &'static WordIndex,
        page: &PageRequest,
        scoped: bool,
    ) -> StoreResult<Self> {
        let mut search = Self {
            index,
            terms: Vec::new(),
            drive: false,
            nothing: false,
        };
        let Some(words) = page.search_words()? else {
            return Ok(search);
        };
        search.nothing = words.is_empty();
        search.terms = words.into_iter().map(Term::new).collect();
        if scoped || search.nothing {
            return Ok(search);
        }
        let counts = count(store, conn, index, &search.terms).await?;
        if counts.contains(&0) {
            search.nothing = true;
            return Ok(search);
        }
        // Rarest first: it drives when rare enough, and when walking it rejects most rows
        // soonest.
        let mut counted: Vec<(i64, Term)> = counts.into_iter().zip(search.terms).collect();
        counted.sort_by_key(|(n, _)| *n);
        search.drive = counted.first().is_some_and(|(n, _)| *n < DRIVE_LIMIT);
        search.terms = counted.into_iter().map(|(_, term)| term).collect();
        Ok(search)
    }

    /// Whether the list can answer an empty page without asking the database.
    pub(crate) fn matches_nothing(&self) -> bool {
        self.nothing
    }

    /// Starts the list query: `walk` (a plain `SELECT … FROM …`), or when driving, `drive`
    /// (a [`words_cte!`] head joining `c`) with `join` (how `c.object_id` meets the object).
    pub(crate) fn select(&self, walk: &'static str, drive: &'static str, join: &'static str) -> Sql {
        match self.terms.first().filter(|_| self.drive) {
            Some(term) => {
                let mut sql = Sql::select_with(drive, term.args());
                sql.filter(join, []);
                sql
            }
            None => Sql::select(walk),
        }
    }

    /// Adds an `EXISTS` check for every word the query is not driven by. A query with words is
    /// planned for them every time ([`Sql::unprepared`]).
    pub(crate) fn filter(&self, sql: &mut Sql) {
        if !self.terms.is_empty() {
            sql.unprepared();
        }
        for term in self.terms.iter().skip(usize::from(self.drive)) {
            sql.filter(self.index.exists, term.args());
        }
    }
}

/// For each term, the index entries in its range, counting at most [`DRIVE_LIMIT`] (one
/// round trip, at most `terms × DRIVE_LIMIT` index entries read).
async fn count(
    store: &SqlStore,
    conn: &mut AnyConnection,
    index: &WordIndex,
    terms: &[Term],
) -> StoreResult<Vec<i64>> {
    let mut sql = Sql::select("SELECT ");
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            sql.push(", ", []);
        }
        let [from, to] = term.args();
        sql.push(index.count, [from, to, Arg::Int(DRIVE_LIMIT)]);
    }
    let rows = sql.fetch_all(store, conn).await?;
    let row = rows
        .first()
        .ok_or_else(|| StoreError::Internal("counting search words answered no row".into()))?;
    (0..terms.len())
        .map(|i| row.try_get::<i64, _>(i).map_err(|e| corrupt("word count", e)))
        .collect()
}

/// Indexes the words of a new object (`parts`: its code and name).
pub(crate) async fn insert_words(
    tx: &mut Tx<'_>,
    index: &WordIndex,
    id: &str,
    parts: &[&str],
    kind: &'static str,
    key: &str,
) -> StoreResult<()> {
    let rows: Vec<(String, String)> = index_words(parts)
        .into_iter()
        .map(|w| (id.to_owned(), w))
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        let sql = insert_sql(index, chunk, false);
        tx.exec(sql.into_query()?, kind, key).await?;
    }
    Ok(())
}

/// Replaces the words of an object whose name changed.
pub(crate) async fn replace_words(
    tx: &mut Tx<'_>,
    index: &WordIndex,
    id: &str,
    parts: &[&str],
    kind: &'static str,
    key: &str,
) -> StoreResult<()> {
    tx.exec(sqlx::query(index.delete).bind(id.to_owned()), kind, key)
        .await?;
    insert_words(tx, index, id, parts, kind, key).await
}

fn insert_sql(index: &WordIndex, rows: &[(String, String)], skip_existing: bool) -> Sql {
    let mut sql = Sql::select(index.insert);
    for (i, (id, word)) in rows.iter().enumerate() {
        let tuple = if i == 0 { "(?, ?)" } else { ", (?, ?)" };
        sql.push(tuple, [id.as_str().into(), word.as_str().into()]);
    }
    if skip_existing {
        sql.push(" ON CONFLICT DO NOTHING", []);
    }
    sql
}

/// Indexes the words of every object of a kind whose word table is empty while objects exist:
/// a database that predates migration 0002 (splitting words is not portable SQL, so the
/// migration cannot do it). Answers how many objects it indexed.
///
/// Each batch runs in a transaction that holds the registry's write lock (the row every write
/// updates first, without bumping the version), so a rename cannot interleave with the batch
/// that reads the old name; existing words are skipped, so nodes migrating at once, or a
/// backfill cut short and run again, do no harm.
pub(crate) async fn backfill(store: &SqlStore) -> StoreResult<usize> {
    let mut indexed = 0;
    for index in [
        &GOVERNMENTS,
        &AGENCIES,
        &APPLICATIONS,
        &SERVICES,
        &PUBLIC_SERVICES,
    ] {
        let mut conn = store.read().await?;
        let row = sqlx::query(index.unindexed)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| store.db(e))?;
        drop(conn);
        if row.int("n")? > 0 {
            indexed += backfill_kind(store, index).await?;
        }
    }
    if indexed > 0 {
        tracing::info!(
            objects = indexed,
            "indexed the words of existing objects for search"
        );
    }
    Ok(indexed)
}

/// The part of a stored `doc` the index needs.
#[derive(Deserialize)]
struct Named {
    name: String,
}

async fn backfill_kind(store: &SqlStore, index: &WordIndex) -> StoreResult<usize> {
    let mut after = String::new();
    let mut indexed = 0;
    loop {
        let _writer = match &store.writer {
            Some(gate) => Some(gate.lock().await),
            None => None,
        };
        let mut tx = store
            .pool
            .begin_with(store.engine.begin_write)
            .await
            .map_err(|e| store.db(e))?;
        sqlx::query("UPDATE registry_state SET version = version WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(|e| store.db(e))?;
        let objects = sqlx::query(index.batch)
            .bind(after.clone())
            .bind(BACKFILL_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(|e| store.db(e))?;
        let Some(last) = objects.last() else {
            return Ok(indexed);
        };
        after = last.text("id")?;
        let mut rows = Vec::new();
        for object in &objects {
            let (id, code) = (object.text("id")?, object.text("code")?);
            let named: Named =
                serde_json::from_str(&object.text("doc")?).map_err(|e| corrupt("document", e))?;
            for word in index_words(&[&code, &named.name]) {
                rows.push((id.clone(), word));
            }
        }
        for chunk in rows.chunks(INSERT_CHUNK) {
            insert_sql(index, chunk, true)
                .into_query()?
                .execute(&mut *tx)
                .await
                .map_err(|e| store.db(e))?;
        }
        tx.commit().await.map_err(|e| store.db(e))?;
        indexed += objects.len();
    }
}

/// The sort key of a path of codes: the codes joined by a space, which sorts before every
/// character a code may hold, so keys order like the codes one by one (`ab` < `ab-x` < `abc`).
pub(crate) fn sort_key(codes: &[&str]) -> String {
    codes.join(" ")
}

/// The sort keys of a parent's children: `[parent + " ", parent + "!")`, since `!` follows
/// the space that ends the parent's part of a child's key.
pub(crate) fn children(parent: &[&str]) -> [Arg; 2] {
    let parent = sort_key(parent);
    [format!("{parent} ").into(), format!("{parent}!").into()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys_order_like_their_codes_one_by_one() {
        let mut paths = [
            ["abc", "app", "svc"],
            ["ab-x", "zeta", "b1"],
            ["ab", "app-2", "svc"],
            ["ab", "app", "svc-2"],
            ["ab", "app", "svc"],
        ];
        let mut keys: Vec<String> = paths.iter().map(|p| sort_key(p)).collect();
        paths.sort();
        keys.sort();
        assert_eq!(keys, paths.iter().map(|p| sort_key(p)).collect::<Vec<_>>());
        let [Arg::Text(from), Arg::Text(to)] = children(&["ab"]) else {
            panic!("text bounds");
        };
        let inside = |k: &str| k >= from.as_str() && k < to.as_str();
        assert!(inside("ab app svc") && inside("ab app-2 svc"));
        assert!(!inside("ab-x zeta b1") && !inside("abc app svc") && !inside("ab"));
    }

    #[test]
    fn one_insert_lists_every_word() {
        let rows = vec![
            ("id1".to_owned(), "a".to_owned()),
            ("id1".to_owned(), "b".to_owned()),
        ];
        let sql = format!("{:?}", insert_sql(&AGENCIES, &rows, true));
        assert!(
            sql.contains("VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING"),
            "{sql}"
        );
    }
}
