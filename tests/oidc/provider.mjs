// A real OpenID Connect provider for the test suite (npm `oidc-provider`), on 127.0.0.1.
//
// Started by tests/oidc/conftest.py with:
//   OIDC_PORT        the port to listen on
//   OIDC_CLIENTS     JSON list of clients: {client_id, client_secret, redirect_uris}
//   OIDC_ACCOUNTS    JSON object sub -> {email, email_verified, name, given_name, family_name}
//
// The sign-in screen is ours and has no password: a test (playing the person's browser) posts
// which account signs in and how: `amr` and `acr` end up in the ID token, which is what
// Leerkring reads to decide whether the provider already asked for a second factor. Consent is
// granted at once. Prints "ready <issuer>" on standard output when it listens.
import http from "node:http";
import { URL } from "node:url";

import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS);
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const provider = new Provider(issuer, {
  clients,
  async findAccount(ctx, sub) {
    const account = accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, async claims() { return { sub, ...account }; } };
  },
  claims: {
    // Like Microsoft Entra ID, always say in the ID token how the person signed in.
    openid: ["sub", "amr", "acr", "auth_time"],
    email: ["email", "email_verified"],
    profile: ["name", "given_name", "family_name"],
  },
  acrValues: ["urn:test:loa:password", "urn:test:loa:mfa"],
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  pkce: { required: () => false },
  cookies: { keys: ["leerkring-test-provider"] },
  ttl: { Session: 600, Interaction: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
});
// Plain HTTP on 127.0.0.1 only: the provider is never reachable from elsewhere.
provider.proxy = false;

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.on("data", (chunk) => { body += chunk; });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><title>Test provider</title><form method="post" action="/interaction/${uid}">` +
        `<input name="login"><input name="amr"><input name="acr"><button>Sign in</button></form>`,
    );
    return;
  }
  const form = await readForm(req);
  const accountId = form.get("login");
  if (!accounts[accountId]) {
    await provider.interactionFinished(req, res, { error: "access_denied" }, { mergeWithLastSubmission: false });
    return;
  }
  const login = { accountId };
  if (form.get("amr")) login.amr = form.get("amr").split(",");
  if (form.get("acr")) login.acr = form.get("acr");
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req, res, { login, consent: { grantId } }, { mergeWithLastSubmission: false },
  );
}

const handler = provider.callback();
const server = http.createServer((req, res) => {
  const { pathname } = new URL(req.url, issuer);
  const match = pathname.match(/^\/interaction\/([^/]+)$/);
  if (match) {
    interaction(req, res, match[1]).catch((error) => {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
    return;
  }
  handler(req, res);
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`ready ${issuer}\n`);
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
