//! The evidence record decoder (`AuditRecord::decode`) over arbitrary bytes: an error, never a
//! panic or a huge allocation from a length prefix; and what decodes is canonical (encoding it
//! again gives exactly the input bytes, so one record has one byte form and one hash).
#![no_main]

use libfuzzer_sys::fuzz_target;
use wadah_domain::audit::AuditRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = AuditRecord::decode(data) {
        assert_eq!(record.encode(), data, "the encoding is canonical");
    }
});
