// A second real Salesforce client (jsforce, the library behind Salesforce's CLI) against the local org.
// Usage: node jsforce_client.js <instanceUrl> <jwtAssertion>; trusts the org's CA via NODE_EXTRA_CA_CERTS.
// Prints one JSON object: what each call returned, so the Python test can check it.
const jsforce = require("jsforce");

async function main() {
  const [instanceUrl, assertion] = process.argv.slice(2);
  const conn = new jsforce.Connection({
    instanceUrl,
    loginUrl: instanceUrl,
    version: "62.0",
    oauth2: { loginUrl: instanceUrl, clientId: "unused-for-jwt" },
  });
  await conn.authorize({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion });
  const identity = await conn.identity();
  const created = await conn.sobject("Lead").create({
    LastName: "山田",
    FirstName: "太郎",
    Company: "株式会社サンプル商事",
    Email: "taro.yamada@sample-shoji.co.jp",
  });
  const result = await conn.query("SELECT Id, LastName, Company FROM Lead WHERE Email = 'taro.yamada@sample-shoji.co.jp'");
  const organization = await conn.query("SELECT Id, Name, IsSandbox FROM Organization");
  const versions = await conn.request("/services/data");
  const userinfo = await conn.request("/services/oauth2/userinfo");
  process.stdout.write(
    JSON.stringify({ identity, created, organization: organization.records, records: result.records, totalSize: result.totalSize, versions, userinfo })
  );
}

main().catch((error) => {
  process.stderr.write(`${error.name}: ${error.message}\n`);
  process.exit(1);
});
