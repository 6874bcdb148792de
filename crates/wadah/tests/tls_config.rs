//! `wadah config check` with the gateway's TLS keys: it reads the files as `serve` would and
//! says what they amount to; a missing or mismatched file fails with one line naming the key.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};

fn check(config: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["config", "check", "--config"])
        .arg(config)
        .output()
        .expect("runs")
}

fn self_signed(cn: &str, ca: bool) -> (String, String) {
    let mut params = CertificateParams::new(vec!["localhost".into()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    if ca {
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    let key = KeyPair::generate().unwrap();
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

#[test]
fn config_check_reads_the_tls_files_and_names_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name);
    let (cert, key) = self_signed("gateway", false);
    let (ca, _) = self_signed("clients CA", true);
    let (_, other_key) = self_signed("other", false);
    std::fs::write(p("gw.crt"), cert).unwrap();
    std::fs::write(p("gw.key"), key).unwrap();
    std::fs::write(p("other.key"), other_key).unwrap();
    std::fs::write(p("ca.crt"), ca).unwrap();
    let config = |key_file: &str| {
        let text = format!(
            "data_dir = {:?}\n[gateway]\ntls_cert_file = {:?}\ntls_key_file = {:?}\n\
             tls_client_ca_file = {:?}\ntls_client_auth = \"optional\"\n",
            dir.path().join("data"),
            p("gw.crt"),
            p(key_file),
            p("ca.crt"),
        );
        let file = p("wadah.toml");
        std::fs::write(&file, text).unwrap();
        file
    };

    let out = check(&config("gw.key"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(
            "gateway TLS:      on, 1 certificate(s) in the chain, client certificates optional (1 CA(s))"
        ),
        "{stdout}"
    );

    for (key_file, needles) in [
        (
            "missing.key",
            &["gateway.tls_key_file", "missing.key", "readable PEM"][..],
        ),
        ("other.key", &["gateway.tls_key_file does not fit"][..]),
        ("ca.crt", &["gateway.tls_key_file", "no usable private key"][..]),
    ] {
        let out = check(&config(key_file));
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "{needle}: {stderr}");
        }
    }
}
