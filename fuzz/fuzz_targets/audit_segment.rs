//! A whole segment file as `wadah audit verify` reads it (`wadah_gateway::audit::segment`):
//! header, frames, chain check and record decoding over arbitrary bytes. Damage is reported,
//! never a panic, and no length prefix makes the reader allocate past the input's size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wadah_domain::audit::Sha256Hash;
use wadah_gateway::audit::segment::{self, HEADER_LEN, Header, Stop};

fuzz_target!(|data: &[u8]| {
    let header = Header::parse(data);
    if let Ok(h) = header {
        assert_eq!(&h.to_bytes()[..], &data[..HEADER_LEN], "the header reads back as written");
    }
    let (frames, stop) = segment::frames(data);
    // Frames tile the bytes after the header without gaps, in order.
    let mut at = HEADER_LEN.min(data.len()) as u64;
    for frame in &frames {
        assert_eq!(frame.offset, at);
        assert!(!frame.encoding.is_empty());
        at += 4 + frame.encoding.len() as u64 + 32;
    }
    match stop {
        None => assert_eq!(at, data.len() as u64),
        Some(Stop::Torn { offset } | Stop::BadLength { offset }) => {
            assert_eq!(offset, at);
            assert!(offset < data.len() as u64);
        }
    }
    // The chain check as verify runs it: every frame either continues the chain or is damage.
    let (mut prev, mut sequence) = header.map_or((Sha256Hash::default(), 0), |h| (h.prev, h.first_sequence));
    for frame in &frames {
        match segment::check(frame, &prev, sequence) {
            Ok(record) => {
                assert_eq!(record.sequence, sequence);
                assert_eq!(record.encode(), frame.encoding);
                prev = frame.hash;
                sequence = sequence.wrapping_add(1);
            }
            Err(why) => {
                assert!(!why.is_empty());
                break;
            }
        }
    }
});
