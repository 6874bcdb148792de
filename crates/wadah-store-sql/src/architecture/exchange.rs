//! Whole-model reads and writes for export and import. The import is one transaction: it
//! creates the governments, agencies and reference codes the model names and the store lacks,
//! then creates or replaces elements by key and adds missing relations; any failure rolls all
//! of it back, so a file is either imported or not at all.

use std::collections::{BTreeSet, HashMap, HashSet};

use wadah_domain::Code;
use wadah_domain::agency::{AgencySpec, GovernmentSpec};
use wadah_domain::architecture::{
    ArchitectureModel, Element, LocalRefCodeSpec, ModelElement, ModelRelation, Origin, Period, RefEntry,
    Relation,
};
use wadah_store::{ArchModelFilter, Change, ImportCounts, StoreResult};

use super::{codes, elements, relations};
use crate::SqlStore;
use crate::error::{corrupt, missing};
use crate::query::{Arg, Sql};
use crate::registry::enum_text;
use crate::registry::search::{AGENCIES, GOVERNMENTS, insert_words};
use crate::rows::{RowExt, flag, to_json};
use crate::tx::{Subject, Tx, bind_meta};

pub(crate) async fn model(store: &SqlStore, filter: &ArchModelFilter) -> StoreResult<ArchitectureModel> {
    let mut conn = store.read().await?;
    let mut sql = Sql::select("SELECT a.doc FROM agencies a");
    sql.filter_opt("a.code = ?", filter.agency.as_ref())
        .push(" ORDER BY a.code", []);
    let agencies: Vec<AgencySpec> = sql
        .fetch_all(store, &mut conn)
        .await?
        .iter()
        .map(|r| r.doc())
        .collect::<StoreResult<_>>()?;
    let rows = sqlx::query("SELECT g.doc FROM governments g ORDER BY g.code")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    let mut governments: Vec<GovernmentSpec> = rows.iter().map(|r| r.doc()).collect::<StoreResult<_>>()?;
    if filter.agency.is_some() {
        governments.retain(|g| agencies.iter().any(|a| a.government == g.code));
    }
    let period = filter.period.map(|p| Arg::from(p.to_string()));
    let mut sql = Sql::select("SELECT e.agency, e.period, e.doc FROM arch_elements e");
    sql.filter_opt("e.period = ?", period.clone())
        .filter_opt("e.agency = ?", filter.agency.as_ref())
        .push(" ORDER BY e.sort_key", []);
    let elements = sql
        .fetch_all(store, &mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ModelElement {
                agency: r.code("agency")?,
                period: Period::parse(&r.text("period")?).map_err(|e| corrupt("period", e))?,
                spec: r.doc()?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let mut sql = Sql::select("SELECT r.period, r.doc FROM arch_relations r");
    sql.filter_opt("r.period = ?", period);
    if let Some(agency) = &filter.agency {
        sql.filter(
            "(r.source_agency = ? OR r.target_agency = ?)",
            [agency.into(), agency.into()],
        );
    }
    sql.push(" ORDER BY r.sort_key", []);
    let relations = sql
        .fetch_all(store, &mut conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ModelRelation {
                period: Period::parse(&r.text("period")?).map_err(|e| corrupt("period", e))?,
                spec: r.doc()?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    drop(conn);
    let spec = |e: &RefEntry| LocalRefCodeSpec {
        code: e.code.clone(),
        name: e.name.clone(),
    };
    let national_codes = codes::list(store, None).await?.iter().map(spec).collect();
    let local_codes = codes::all_local(store)
        .await?
        .into_iter()
        .filter(|(g, _)| governments.iter().any(|gov| &gov.code == g))
        .map(|(g, e)| (g, spec(&e)))
        .collect();
    Ok(ArchitectureModel {
        governments,
        agencies,
        national_codes,
        local_codes,
        elements,
        relations,
    })
}

async fn id_of(tx: &mut Tx<'_>, sql: &'static str, key: String) -> StoreResult<Option<String>> {
    let store = tx.store();
    let row = sqlx::query(sql)
        .bind(key)
        .fetch_optional(tx.conn())
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| r.text("id")).transpose()
}

async fn ensure_government(tx: &mut Tx<'_>, spec: &GovernmentSpec) -> StoreResult<bool> {
    let key = spec.code.as_str();
    if id_of(tx, "SELECT id FROM governments WHERE code = $1", key.to_owned())
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let id = tx.new_id();
    let government = wadah_domain::agency::Government {
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let query = sqlx::query(concat!(
        "INSERT INTO governments (id, code, kind, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(id.clone())
    .bind(key.to_owned())
    .bind(enum_text(&spec.kind)?)
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &government.meta), "government", key)
        .await?;
    insert_words(
        tx,
        &GOVERNMENTS,
        &id,
        &[key, spec.name.as_str()],
        "government",
        key,
    )
    .await?;
    tx.created(Subject::new("government", key, None), &government)
        .await?;
    Ok(true)
}

/// The agency's row id, creating the agency when the store lacks it (answers whether it did).
async fn ensure_agency(tx: &mut Tx<'_>, spec: &AgencySpec) -> StoreResult<(String, bool)> {
    let key = spec.code.as_str();
    if let Some(id) = id_of(tx, "SELECT id FROM agencies WHERE code = $1", key.to_owned()).await? {
        return Ok((id, false));
    }
    let government = id_of(
        tx,
        "SELECT id FROM governments WHERE code = $1",
        spec.government.to_string(),
    )
    .await?
    .ok_or_else(|| missing("government", spec.government.as_str()))?;
    let id = tx.new_id();
    let agency = wadah_domain::agency::Agency {
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let query = sqlx::query(concat!(
        "INSERT INTO agencies (id, government_id, code, operator, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(id.clone())
    .bind(government)
    .bind(key.to_owned())
    .bind(flag(spec.operator))
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &agency.meta), "agency", key).await?;
    insert_words(tx, &AGENCIES, &id, &[key, spec.name.as_str()], "agency", key).await?;
    tx.created(Subject::new("agency", key, Some(&spec.code)), &agency)
        .await?;
    Ok((id, true))
}

async fn import_codes(
    tx: &mut Tx<'_>,
    model: &ArchitectureModel,
    counts: &mut ImportCounts,
) -> StoreResult<()> {
    let entry = |spec: &LocalRefCodeSpec, origin| RefEntry {
        code: spec.code.clone(),
        name: spec.name.clone(),
        origin,
    };
    for spec in &model.national_codes {
        codes::insert(tx, None, &entry(spec, Origin::National)).await?;
        counts.reference_codes_created += 1;
    }
    let mut local: Vec<&(Code, LocalRefCodeSpec)> = model.local_codes.iter().collect();
    local.sort_by_key(|(_, s)| s.code.level());
    for (government, spec) in local {
        let sql = "SELECT id FROM arch_ref_codes WHERE scope = $1 AND code = $2";
        let store = tx.store();
        let present = sqlx::query(sql)
            .bind(government.as_str().to_owned())
            .bind(spec.code.as_str().to_owned())
            .fetch_optional(tx.conn())
            .await
            .map_err(|e| store.db(e))?;
        if present.is_none() {
            codes::insert(tx, Some(government), &entry(spec, Origin::Local)).await?;
            counts.reference_codes_created += 1;
        }
    }
    Ok(())
}

/// What the store already holds for the periods a model covers, read in one query per period
/// and table instead of one per element and relation (a province is ~260k objects).
async fn present(
    tx: &mut Tx<'_>,
    model: &ArchitectureModel,
) -> StoreResult<(HashMap<String, (String, Element)>, HashSet<String>)> {
    let store = tx.store();
    let periods: BTreeSet<Period> = model
        .elements
        .iter()
        .map(|e| e.period)
        .chain(model.relations.iter().map(|r| r.period))
        .collect();
    let mut elements = HashMap::new();
    let mut relations = HashSet::new();
    for period in periods {
        let rows = sqlx::query(
            "SELECT e.id, e.sort_key, e.agency, e.period, e.doc, e.version, e.created_at, e.created_by, \
             e.updated_at, e.updated_by FROM arch_elements e WHERE e.period = $1",
        )
        .bind(period.to_string())
        .fetch_all(tx.conn())
        .await
        .map_err(|e| store.db(e))?;
        for row in &rows {
            elements.insert(row.text("sort_key")?, (row.text("id")?, elements::from_row(row)?));
        }
        let rows = sqlx::query("SELECT r.sort_key FROM arch_relations r WHERE r.period = $1")
            .bind(period.to_string())
            .fetch_all(tx.conn())
            .await
            .map_err(|e| store.db(e))?;
        for row in &rows {
            relations.insert(row.text("sort_key")?);
        }
    }
    Ok((elements, relations))
}

pub(crate) async fn import(
    store: &SqlStore,
    model: &ArchitectureModel,
    change: &Change,
) -> StoreResult<ImportCounts> {
    let mut counts = ImportCounts::default();
    let mut tx = store.write(change).await?;
    for g in &model.governments {
        counts.governments_created += usize::from(ensure_government(&mut tx, g).await?);
    }
    let mut agency_ids: HashMap<Code, String> = HashMap::new();
    for a in &model.agencies {
        let (id, created) = ensure_agency(&mut tx, a).await?;
        counts.agencies_created += usize::from(created);
        agency_ids.insert(a.code.clone(), id);
    }
    import_codes(&mut tx, model, &mut counts).await?;
    let (mut stored, stored_relations) = present(&mut tx, model).await?;
    let mut element_ids: HashMap<String, String> = HashMap::with_capacity(model.elements.len());
    for e in &model.elements {
        let key = elements::key_of(&e.agency, e.period, &e.spec.code);
        let existing = stored.remove(&key);
        let id = match existing {
            Some((id, before)) if before.spec == e.spec => {
                counts.elements_unchanged += 1;
                id
            }
            Some((id, before)) => {
                elements::replace(&mut tx, &id, &before, &e.spec).await?;
                counts.elements_updated += 1;
                id
            }
            None => {
                let agency_id = match agency_ids.get(&e.agency) {
                    Some(id) => id.clone(),
                    None => {
                        let sql = "SELECT id FROM agencies WHERE code = $1";
                        let id = id_of(&mut tx, sql, e.agency.to_string())
                            .await?
                            .ok_or_else(|| missing("agency", e.agency.as_str()))?;
                        agency_ids.insert(e.agency.clone(), id.clone());
                        id
                    }
                };
                let element = Element {
                    agency: e.agency.clone(),
                    period: e.period,
                    spec: e.spec.clone(),
                    meta: tx.new_meta(),
                };
                counts.elements_created += 1;
                elements::insert(&mut tx, &agency_id, &element).await?
            }
        };
        element_ids.insert(key, id);
    }
    for r in &model.relations {
        let key = relations::relation_key(r.period, &r.spec);
        if stored_relations.contains(&key) {
            counts.relations_unchanged += 1;
            continue;
        }
        let mut ends = Vec::with_capacity(2);
        for end in [&r.spec.source, &r.spec.target] {
            let key = elements::key_of(&end.agency, r.period, &end.code);
            let id = match element_ids.get(&key) {
                Some(id) => id.clone(),
                None => relations::element_id(store, tx.conn(), r.period, end)
                    .await?
                    .ok_or_else(|| missing("architecture element", format!("{}/{end}", r.period)))?,
            };
            ends.push(id);
        }
        let relation = Relation {
            id: tx.new_id(),
            period: r.period,
            spec: r.spec.clone(),
            meta: tx.new_meta(),
        };
        relations::insert(&mut tx, &relation, &ends[0], &ends[1]).await?;
        counts.relations_created += 1;
    }
    tx.commit().await?;
    Ok(counts)
}
