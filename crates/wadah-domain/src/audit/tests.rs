use proptest::prelude::*;

use super::codec::MAX_BYTES;
use super::*;

fn admission(request_id: &str) -> AuditRecord {
    AuditRecord {
        node: "gw-1".into(),
        sequence: 7,
        at: 1_767_225_600_000_123,
        body: RecordBody::Admission(Admission {
            request_id: request_id.into(),
            consumer_agency: "diskominfo".into(),
            consumer_application: "dashboard-kota".into(),
            credential: "0190-cred".into(),
            service_agency: "bpsdm".into(),
            service_application: "simpeg".into(),
            service: "pegawai".into(),
            method: "GET".into(),
            path: "/pegawai/7".into(),
            query_digest: Some(Sha256Hash::of(b"limit=5")),
            body: BodyEvidence::Digest {
                bytes: 3,
                digest: Sha256Hash::of(b"abc"),
            },
            end_user: Some("199001012020011001".into()),
            client: "127.0.0.1:5000".into(),
        }),
    }
}

fn outcome() -> AuditRecord {
    AuditRecord {
        node: "gw-1".into(),
        sequence: 8,
        at: 5,
        body: RecordBody::Outcome(Outcome {
            request_id: "r-1".into(),
            status: 504,
            upstream_status: None,
            request_in: 1,
            request_out: Some(2),
            response_in: None,
            response_out: 4,
            bytes_in: 0,
            bytes_out: 120,
            request_body_digest: None,
            response_digest: Some(Sha256Hash::of(b"x")),
            complete: true,
            error: Some("upstream_timeout".into()),
        }),
    }
}

fn others() -> Vec<AuditRecord> {
    let rejections = AuditRecord {
        node: "n".into(),
        sequence: 0,
        at: -1,
        body: RecordBody::Rejections(Rejections {
            window_start: 0,
            window_end: 60_000_000,
            counts: vec![RejectionCount {
                code: "unauthenticated".into(),
                consumer: None,
                service: Some("bpsdm/simpeg/pegawai".into()),
                count: 1_000_000,
            }],
        }),
    };
    let recovery = AuditRecord {
        node: "n".into(),
        sequence: u64::MAX,
        at: i64::MAX,
        body: RecordBody::Recovery(Recovery {
            segment: "audit-00000000000000000000.log".into(),
            offset: 40,
            discarded_bytes: 3,
            discarded_digest: Sha256Hash::of(b"abc"),
        }),
    };
    vec![rejections, recovery, checkpoint(), retention()]
}

fn checkpoint() -> AuditRecord {
    AuditRecord {
        node: "gw-1".into(),
        sequence: 9,
        at: 6,
        body: RecordBody::Checkpoint(Checkpoint {
            key_id: "0011223344556677".into(),
            head: Sha256Hash::of(b"head"),
            records: 9,
            segment: "audit-00000000000000000000.log".into(),
            signature: vec![7; 64],
        }),
    }
}

fn retention() -> AuditRecord {
    AuditRecord {
        node: "gw-1".into(),
        sequence: 10,
        at: 7,
        body: RecordBody::Retention(Retention {
            first_kept: 5,
            prev: Sha256Hash::of(b"prev"),
            segments: 2,
            keep_days: 400,
        }),
    }
}

#[test]
fn a_checkpoint_signs_everything_but_its_signature() {
    let signed = checkpoint();
    let message = signed.checkpoint_message().unwrap();
    assert!(message.starts_with(b"wadah-audit-checkpoint-v1\0"));
    let mut other_sig = signed.clone();
    if let RecordBody::Checkpoint(c) = &mut other_sig.body {
        c.signature = vec![1; 64];
    }
    assert_eq!(other_sig.checkpoint_message().unwrap(), message);
    let mut other_head = signed.clone();
    if let RecordBody::Checkpoint(c) = &mut other_head.body {
        c.head = GENESIS;
    }
    assert_ne!(other_head.checkpoint_message().unwrap(), message);
    let mut other_seq = signed;
    other_seq.sequence += 1;
    assert_ne!(other_seq.checkpoint_message().unwrap(), message);
    assert_eq!(outcome().checkpoint_message(), None);
}

#[test]
fn an_oversized_signature_is_refused() {
    let mut bytes = checkpoint().encode();
    // The signature length field sits 68 bytes before the end (u32 + 64 bytes).
    let at = bytes.len() - 68;
    bytes[at..at + 4].copy_from_slice(&(MAX_BYTES as u32 + 1).to_be_bytes());
    assert_eq!(
        AuditRecord::decode(&bytes),
        Err(DecodeError::TooLong("signature"))
    );
}

#[test]
fn every_kind_round_trips() {
    let mut all = vec![admission("r-1"), outcome()];
    all.extend(others());
    for record in all {
        let bytes = record.encode();
        assert_eq!(bytes[0], FORMAT_VERSION);
        assert_eq!(AuditRecord::decode(&bytes), Ok(record));
    }
}

#[test]
fn the_encoding_is_fixed() {
    // The layout is a contract: this is the exact start of an admission record.
    let bytes = admission("r").encode();
    let mut expected = vec![1u8, 1, 0, 0, 0, 4];
    expected.extend_from_slice(b"gw-1");
    expected.extend_from_slice(&7u64.to_be_bytes());
    expected.extend_from_slice(&1_767_225_600_000_123i64.to_be_bytes());
    expected.extend_from_slice(&[0, 0, 0, 1, b'r']);
    assert_eq!(&bytes[..expected.len()], &expected[..]);
    assert_eq!(
        Sha256Hash::chain(&GENESIS, b"abc").to_hex(),
        // SHA-256 of 32 zero bytes followed by "abc".
        hex::encode(Sha256Hash::of(&[&[0u8; 32][..], b"abc"].concat()).0)
    );
}

#[test]
fn damaged_bytes_are_refused_or_change_the_hash() {
    let bytes = admission("r-1").encode();
    let good = Sha256Hash::chain(&GENESIS, &bytes);
    for i in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[i] ^= 0x01;
        match AuditRecord::decode(&bad) {
            Err(_) => {}
            Ok(decoded) => {
                assert_ne!(Sha256Hash::chain(&GENESIS, &bad), good, "byte {i}");
                assert_ne!(decoded, admission("r-1"), "byte {i}");
            }
        }
    }
    assert!(matches!(
        AuditRecord::decode(&bytes[..bytes.len() - 1]),
        Err(DecodeError::Truncated(_))
    ));
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(AuditRecord::decode(&long), Err(DecodeError::Trailing(1)));
    let mut v2 = bytes;
    v2[0] = 2;
    assert_eq!(AuditRecord::decode(&v2), Err(DecodeError::Version(2)));
}

#[test]
fn export_json_shows_hashes_as_hex() {
    let json = serde_json::to_value(admission("r-1")).unwrap();
    assert_eq!(json["kind"], "admission");
    assert_eq!(json["query_digest"], Sha256Hash::of(b"limit=5").to_hex());
    assert_eq!(json["body"]["type"], "digest");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = AuditRecord::decode(&bytes);
    }

    #[test]
    fn arbitrary_admissions_round_trip(
        id in "[A-Za-z0-9._-]{1,64}", path in "(/[a-z0-9%]{0,8}){0,6}", user in proptest::option::of(".{0,40}"),
        seq in any::<u64>(), at in any::<i64>(),
    ) {
        let mut r = admission(&id);
        r.sequence = seq;
        r.at = at;
        if let RecordBody::Admission(a) = &mut r.body {
            a.path = path;
            a.end_user = user;
        }
        prop_assert_eq!(AuditRecord::decode(&r.encode()), Ok(r));
    }
}
