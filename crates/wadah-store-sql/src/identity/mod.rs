//! Identities: the people who administer Wadah and their admin API tokens. Password hashes
//! and token digests are columns of their own that no domain object carries, so they can never
//! reach the change log or an API answer by accident.

pub(crate) mod tokens;
pub(crate) mod users;
