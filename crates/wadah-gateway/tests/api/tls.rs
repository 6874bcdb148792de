//! TLS on the gateway listener and client certificates as credentials (mTLS). Certificates
//! are made at test time (rcgen): one CA the gateway trusts for clients (which also issues the
//! server certificate), one it does not. Clients are rustls clients speaking raw HTTP/1.1, or
//! hyper's HTTP/2 client where ALPN is the point.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair};
use rustls::ClientConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use wadah_domain::certificate::{ClientCertificate, fingerprint};
use wadah_domain::credential::CredentialSpec;
use wadah_gateway::{ClientAuth, TlsConfig};

use crate::helpers::*;

/// A certificate authority that can issue server and client certificates.
struct Ca {
    issuer: Issuer<'static, KeyPair>,
    der: CertificateDer<'static>,
    pem: String,
}

/// A client's certificate and key.
#[derive(Clone)]
struct ClientId {
    der: CertificateDer<'static>,
    pem: String,
    key: Arc<Vec<u8>>,
}

impl Ca {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(vec![]).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2099, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self {
            der: cert.der().clone(),
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// (certificate PEM, key PEM) for `localhost` and 127.0.0.1.
    fn server(&self) -> (String, String) {
        let mut params = CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "gateway");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    fn client_valid_until(&self, cn: &str, not_before: i32, not_after: i32) -> ClientId {
        let mut params = CertificateParams::new(vec![]).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.not_before = rcgen::date_time_ymd(not_before, 1, 1);
        params.not_after = rcgen::date_time_ymd(not_after, 1, 1);
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        ClientId {
            der: cert.der().clone(),
            pem: cert.pem(),
            key: Arc::new(key.serialize_der()),
        }
    }

    fn client(&self, cn: &str) -> ClientId {
        self.client_valid_until(cn, 2020, 2099)
    }
}

/// A gateway listening with TLS; `client_ca` makes it ask for client certificates.
struct TlsGateway {
    gw: TestGateway,
    ca: Ca,
    _files: tempfile::TempDir,
}

async fn spawn_tls(client_auth: Option<ClientAuth>) -> TlsGateway {
    let ca = Ca::new("Wadah Test CA");
    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| -> PathBuf {
        let path = files.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let (cert, key) = ca.server();
    let mut tls = TlsConfig::new(write("gw.crt", &cert), write("gw.key", &key));
    tls.handshake_timeout = Duration::from_millis(300);
    if let Some(mode) = client_auth {
        tls.client_ca_file = Some(write("clients.crt", &ca.pem));
        tls.client_auth = mode;
    }
    let gw = spawn_with(Options {
        tls: Some(tls),
        ..Options::default()
    })
    .await;
    TlsGateway {
        gw,
        ca,
        _files: files,
    }
}

fn client_config(ca: &Ca, id: Option<&ClientId>, alpn: &[&[u8]]) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.der.clone()).unwrap();
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots);
    let mut config = match id {
        Some(id) => {
            let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(id.key.as_ref().clone()));
            builder.with_client_auth_cert(vec![id.der.clone()], key).unwrap()
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Arc::new(config)
}

impl TlsGateway {
    async fn connect(&self, id: Option<&ClientId>, alpn: &[&[u8]]) -> std::io::Result<TlsStream<TcpStream>> {
        let tcp = TcpStream::connect(self.gw.addr).await?;
        let connector = TlsConnector::from(client_config(&self.ca, id, alpn));
        let name = ServerName::try_from("localhost").unwrap();
        connector.connect(name, tcp).await
    }

    /// One HTTP/1.1 exchange over TLS; `Err` when the TLS layer refused (in TLS 1.3 a refused
    /// client certificate shows on the first read, after the client's side of the handshake).
    async fn call(&self, path: &str, id: Option<&ClientId>, key: Option<&Key>) -> Result<Answer, String> {
        let mut stream = self
            .connect(id, &[b"http/1.1"])
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(&request("GET", path, key))
            .await
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out))
            .await
            .expect("an answer or a refusal in time");
        match read {
            Ok(_) if !out.is_empty() => Ok(parse(&out)),
            Ok(_) => Err("closed without an answer".into()),
            Err(e) => Err(e.to_string()),
        }
    }

    async fn ok(&self, path: &str, id: Option<&ClientId>, key: Option<&Key>) -> Answer {
        self.call(path, id, key).await.expect("the TLS exchange works")
    }

    /// Registers `id`'s certificate as a credential of `agency/app`; answers its id.
    async fn register(&self, agency: &str, app: &str, id: &ClientId) -> String {
        let pem = id.pem.clone();
        let spec: CredentialSpec = serde_json::from_value(serde_json::json!({
            "name": "sertifikat", "kind": "certificate", "certificate": pem,
        }))
        .unwrap();
        let cert = ClientCertificate::from_pem(&pem, change().at).unwrap();
        let credential = self.register_as(agency, app, &spec, &cert).await;
        // Live with the next snapshot refresh (200 ms): wait for it, bounded.
        let started = Instant::now();
        while self.ok("/_wadah/services", Some(id), None).await.status != 200 {
            assert!(started.elapsed() < Duration::from_secs(2), "not live in time");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        credential
    }

    async fn register_as(
        &self,
        agency: &str,
        app: &str,
        spec: &CredentialSpec,
        cert: &ClientCertificate,
    ) -> String {
        self.gw
            .store
            .create_certificate_credential(&code(agency), &code(app), spec, cert, &change())
            .await
            .unwrap()
            .id
    }
}

const PEGAWAI: &str = "/bpsdm/simpeg/pegawai/pegawai/7";

#[tokio::test]
async fn api_keys_work_over_https_and_upstreams_learn_the_scheme() {
    let tls = spawn_tls(None).await;
    let answer = tls.ok(PEGAWAI, None, Some(&tls.gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let seen = tls.gw.seen();
    assert_eq!(seen[0].headers["x-forwarded-proto"], "https");
    assert_eq!(seen[0].headers["x-wadah-consumer"], "diskominfo/dashboard");
    let none = tls.ok(PEGAWAI, None, None).await;
    assert_eq!((none.status, none.code().as_str()), (401, "unauthenticated"));
}

#[tokio::test]
async fn alpn_offers_http2_first() {
    let tls = spawn_tls(None).await;
    let stream = tls.connect(None, &[b"h2", b"http/1.1"]).await.unwrap();
    assert_eq!(stream.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let io = hyper_util::rt::TokioIo::new(stream);
    let (mut sender, conn) = hyper::client::conn::http2::handshake(hyper_util::rt::TokioExecutor::new(), io)
        .await
        .unwrap();
    tokio::spawn(conn);
    let req = hyper::Request::get(format!("https://localhost{PEGAWAI}"))
        .header("authorization", format!("Bearer {}", tls.gw.dashboard.plain))
        .body(http_body_util::Empty::<bytes::Bytes>::new())
        .unwrap();
    let response = sender.send_request(req).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.version(), hyper::Version::HTTP_2);
    let http1 = tls.connect(None, &[b"http/1.1"]).await.unwrap();
    assert_eq!(http1.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
}

#[tokio::test]
async fn a_registered_client_certificate_calls_the_services_its_application_may_use() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let dashboard = tls.ca.client("dashboard.diskominfo");
    tls.register("diskominfo", "dashboard", &dashboard).await;
    let answer = tls.ok(PEGAWAI, Some(&dashboard), None).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.json()["path"], "/api/v1/pegawai/pegawai/7");
    let seen = tls.gw.seen();
    assert_eq!(seen[0].headers["x-wadah-consumer"], "diskominfo/dashboard");
    assert_eq!(seen[0].headers["x-forwarded-proto"], "https");

    // Deny by default still holds: e-bansos's certificate authenticates, but has no right.
    let bansos = tls.ca.client("e-bansos.dinsos");
    tls.register("dinsos", "e-bansos", &bansos).await;
    let denied = tls.ok(PEGAWAI, Some(&bansos), None).await;
    assert_eq!((denied.status, denied.code().as_str()), (403, "access_denied"));

    // The directory knows the caller by its certificate too.
    let listed = tls.ok("/_wadah/services", Some(&dashboard), None).await;
    assert_eq!(listed.status, 200, "{listed:?}");
    assert_eq!(listed.json()["items"].as_array().unwrap().len(), 2);

    // Optional mode: API-key consumers without a certificate keep working.
    let by_key = tls.ok(PEGAWAI, None, Some(&tls.gw.dashboard)).await;
    assert_eq!(by_key.status, 200, "{by_key:?}");
}

#[tokio::test]
async fn an_unregistered_certificate_from_the_trusted_ca_is_no_credential() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let stranger = tls.ca.client("stranger");
    let answer = tls.ok(PEGAWAI, Some(&stranger), None).await;
    assert_eq!((answer.status, answer.code().as_str()), (401, "unauthenticated"));
    assert!(
        answer.json()["detail"]
            .as_str()
            .unwrap()
            .contains("not registered")
    );
    assert!(answer.header("www-authenticate").is_some());
    // With a valid API key, the key alone decides.
    let with_key = tls.ok(PEGAWAI, Some(&stranger), Some(&tls.gw.dashboard)).await;
    assert_eq!(with_key.status, 200, "{with_key:?}");
}

#[tokio::test]
async fn a_certificate_and_a_header_credential_must_name_the_same_application() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let dashboard = tls.ca.client("dashboard");
    tls.register("diskominfo", "dashboard", &dashboard).await;
    let same = tls.ok(PEGAWAI, Some(&dashboard), Some(&tls.gw.dashboard)).await;
    assert_eq!(same.status, 200, "{same:?}");
    let other = tls.ok(PEGAWAI, Some(&dashboard), Some(&tls.gw.bansos)).await;
    assert_eq!((other.status, other.code().as_str()), (401, "unauthenticated"));
    assert!(
        other.json()["detail"]
            .as_str()
            .unwrap()
            .contains("different applications")
    );
    let bad_key = Key {
        id: "x".into(),
        plain: "wdh_not-a-key".into(),
    };
    let bad = tls.ok(PEGAWAI, Some(&dashboard), Some(&bad_key)).await;
    assert_eq!((bad.status, bad.code().as_str()), (401, "unauthenticated"));
    assert_eq!(
        tls.gw.seen().len(),
        1,
        "only the matching pair reached the upstream"
    );
}

#[tokio::test]
async fn untrusted_and_expired_certificates_fail_the_handshake() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let other_ca = Ca::new("Someone Else's CA");
    let untrusted = other_ca.client("dashboard");
    // Even registered, a certificate the gateway's CAs did not issue never gets in.
    let spec: CredentialSpec =
        serde_json::from_value(serde_json::json!({"name": "asing", "kind": "certificate"})).unwrap();
    let cert = ClientCertificate::from_pem(&untrusted.pem, change().at).unwrap();
    tls.register_as("diskominfo", "dashboard", &spec, &cert).await;
    tokio::time::sleep(Duration::from_millis(400)).await; // past one refresh: registered for sure
    let refused = tls.call(PEGAWAI, Some(&untrusted), None).await;
    assert!(refused.is_err(), "{refused:?}");

    let expired = tls.ca.client_valid_until("dashboard-old", 2020, 2021);
    let expired_pem = ClientCertificate::from_pem(&expired.pem, change().at);
    assert!(expired_pem.is_err(), "the API refuses it too");
    // Registered anyway (e.g. it expired after registration): the handshake refuses it.
    let cert = ClientCertificate {
        fingerprint: fingerprint(expired.der.as_ref()),
        subject: "CN=dashboard-old".into(),
        not_after: change().at + chrono::Duration::days(365),
    };
    let spec: CredentialSpec =
        serde_json::from_value(serde_json::json!({"name": "lama", "kind": "certificate"})).unwrap();
    tls.register_as("diskominfo", "dashboard", &spec, &cert).await;
    let refused = tls.call(PEGAWAI, Some(&expired), None).await;
    assert!(refused.is_err(), "{refused:?}");
    assert!(tls.gw.seen().is_empty());
    // The listener is unharmed.
    assert_eq!(tls.ok(PEGAWAI, None, Some(&tls.gw.dashboard)).await.status, 200);
}

#[tokio::test]
async fn a_revoked_certificate_credential_is_refused_within_a_second() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let dashboard = tls.ca.client("dashboard");
    let id = tls.register("diskominfo", "dashboard", &dashboard).await;
    assert_eq!(tls.ok(PEGAWAI, Some(&dashboard), None).await.status, 200);
    tls.gw.store.revoke_credential(&id, &change()).await.unwrap();
    let started = Instant::now();
    loop {
        let answer = tls.ok(PEGAWAI, Some(&dashboard), None).await;
        if answer.status == 401 {
            assert_eq!(answer.code(), "unauthenticated");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "still admitted after 1 s: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn required_mode_refuses_clients_without_a_certificate() {
    let tls = spawn_tls(Some(ClientAuth::Required)).await;
    let refused = tls.call(PEGAWAI, None, Some(&tls.gw.dashboard)).await;
    assert!(refused.is_err(), "{refused:?}");
    let dashboard = tls.ca.client("dashboard");
    tls.register("diskominfo", "dashboard", &dashboard).await;
    assert_eq!(tls.ok(PEGAWAI, Some(&dashboard), None).await.status, 200);
}

#[tokio::test]
async fn plain_http_to_the_tls_port_gets_no_http_answer() {
    let tls = spawn_tls(None).await;
    let mut stream = TcpStream::connect(tls.gw.addr).await.unwrap();
    stream
        .write_all(&request("GET", PEGAWAI, Some(&tls.gw.dashboard)))
        .await
        .unwrap();
    let mut out = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut out)).await;
    assert!(read.is_ok(), "the connection is closed, not left hanging");
    assert!(!out.starts_with(b"HTTP/"), "{:?}", String::from_utf8_lossy(&out));
    assert!(tls.gw.seen().is_empty());
    assert_eq!(tls.ok(PEGAWAI, None, Some(&tls.gw.dashboard)).await.status, 200);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_handshake_blocks_no_one() {
    let tls = spawn_tls(Some(ClientAuth::Optional)).await;
    let mut stalled = Vec::new();
    for _ in 0..8 {
        stalled.push(TcpStream::connect(tls.gw.addr).await.unwrap());
    }
    // A half-sent ClientHello (record header only) on one more.
    let mut partial = TcpStream::connect(tls.gw.addr).await.unwrap();
    partial.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00]).await.unwrap();
    stalled.push(partial);
    let answer = tls.ok(PEGAWAI, None, Some(&tls.gw.dashboard)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    // The stalled ones are cut once the handshake deadline (300 ms here) passes.
    for mut s in stalled {
        let mut buf = [0u8; 64];
        let read = tokio::time::timeout(Duration::from_secs(20), s.read(&mut buf)).await;
        assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "{read:?}");
    }
}
