// A real OpenID provider on loopback for Wadah's single sign-on tests
// (crates/wadah/tests/sso.rs), built on the `oidc-provider` package (OpenID certified).
// Nothing here is mocked: discovery, JWKS, the authorization code flow with PKCE, the token
// endpoint with client_secret_basic, RP-initiated logout and back-channel logout are the
// package's own. This file only configures it:
//   - one client for Wadah (its redirect, post-logout and back-channel logout URIs);
//   - signing keys made fresh at start: ES256 for ID tokens, RS256 also published;
//   - accounts: any login name; "admin-…" names are in the group `wadah_admin`.
// Environment: PORT (required), WADAH_URL (Wadah's public URL), CLIENT_ID, CLIENT_SECRET;
// with CLIENT_JWKS (a JSON Web Key Set of Wadah's public key) the client authenticates with
// private_key_jwt instead of a secret.
// It prints "READY <issuer>" once it listens. Run with NODE_PATH pointing at the
// node_modules that scripts/oidc-deps.sh installs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.NODE_PATH || '.'}/`);
const Provider = require('oidc-provider').default ?? require('oidc-provider');

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const wadah = process.env.WADAH_URL;
const clientId = process.env.CLIENT_ID || 'wadah';
const clientSecret = process.env.CLIENT_SECRET || 'test-secret';
const provider = process.env.PROVIDER_ID || 'tes';
const clientJwks = process.env.CLIENT_JWKS ? JSON.parse(process.env.CLIENT_JWKS) : null;
const clientAuth = clientJwks
  ? { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: clientJwks }
  : { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' };

function signingKey(type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}

const accounts = (id) => ({
  accountId: id,
  async claims() {
    return {
      sub: id,
      name: `Pegawai ${id}`,
      email: `${id}@bontangkota.example`,
      email_verified: true,
      groups: id.startsWith('admin-') ? ['wadah_admin', 'asn'] : ['asn'],
      instansi: 'bpsdm',
    };
  },
});

const oidc = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    ...clientAuth,
    redirect_uris: [`${wadah}/sso/${provider}/callback`],
    post_logout_redirect_uris: [`${wadah}/sso/selesai`],
    backchannel_logout_uri: `${wadah}/sso/${provider}/backchannel-logout`,
    backchannel_logout_session_required: true,
    id_token_signed_response_alg: 'ES256',
    grant_types: ['authorization_code'],
    response_types: ['code'],
  }],
  jwks: {
    keys: [
      signingKey('ec', { namedCurve: 'P-256' }, 'ES256', 'ec-1'),
      signingKey('rsa', { modulusLength: 2048 }, 'RS256', 'rsa-1'),
    ],
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    profile: ['name'],
    email: ['email', 'email_verified'],
    groups: ['groups', 'instansi'],
  },
  // The ID token carries the profile claims (Wadah reads no userinfo).
  conformIdTokenClaims: false,
  pkce: { methods: ['S256'], required: () => true },
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  findAccount: async (ctx, id) => accounts(id),
});

oidc.listen(port, '127.0.0.1', () => {
  console.log(`READY ${issuer}`);
});
