import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, it } from "node:test";
import {
  esgErrorRecord,
  esgFileHeader,
  esgFileNames,
  esgFileRecord,
  type EsgFileRow,
} from "../../../shared/systems/esg/esg-files.js";
import { formatHundredths, interpretRating, toHundredths } from "../../../shared/systems/esg/esg-rating.js";
import { decryptingStream, encryptingStream, fileKeyFrom } from "../../../shared/kernel/file-encryption.js";

const row = (over: Partial<EsgFileRow>): EsgFileRow => ({
  account_id: "ACC-1",
  account_name: "Northwind Capital",
  status: "Successful",
  overall: 7246,
  environmental: 5000,
  social: 6010,
  governance: 9999,
  primary_focus: "Governance",
  primary_focus_score: 9999,
  analysis_date: "2026-11-23",
  ...over,
});

describe("the ESG file format", () => {
  it("has exactly seed 001's columns and file names", () => {
    assert.equal(
      esgFileHeader(),
      "Account ID,Account Name,Overall ESG Score,Environmental Score,Social Score,Governance Score,Primary ESG Focus,Primary Focus Score,Analysis Date,Processing Status\r\n",
    );
    assert.deepEqual(esgFileNames("2026-11-23"), {
      file: "FirmESGRatings_20261123.csv",
      errors: "FirmESGRatings_20261123_errors.csv",
      summary: "FirmESGRatings_20261123_summary.json",
    });
  });

  it("names a manual run's files apart from the day's file, by its date and run id", () => {
    assert.deepEqual(esgFileNames("2026-11-23", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"), {
      file: "FirmESGRatings_Manual_20261123_0f1e2d3c.csv",
      errors: "FirmESGRatings_Manual_20261123_0f1e2d3c_errors.csv",
      summary: "FirmESGRatings_Manual_20261123_0f1e2d3c_summary.json",
    });
  });

  it("writes two decimals, N/A for failed accounts and missing pillars, RFC 4180 quoting and neutralised formulas", () => {
    assert.equal(
      esgFileRecord(row({})),
      "ACC-1,Northwind Capital,72.46,50.00,60.10,99.99,Governance,99.99,2026-11-23,Successful\r\n",
    );
    assert.equal(
      esgFileRecord(row({ status: "Failed", overall: null })),
      "ACC-1,Northwind Capital,N/A,N/A,N/A,N/A,N/A,N/A,N/A,Failed\r\n",
    );
    assert.equal(
      esgFileRecord(row({ status: "Partial", social: null })),
      "ACC-1,Northwind Capital,72.46,50.00,N/A,99.99,Governance,99.99,2026-11-23,Partial\r\n",
    );
    assert.equal(
      esgFileRecord(row({ status: "PENDING" })).endsWith(",N/A,Failed\r\n"),
      true,
      "an unfinished account is Failed",
    );
    assert.match(
      esgFileRecord(row({ account_name: 'Smith, Jones & "Partners"' })),
      /^ACC-1,"Smith, Jones & ""Partners""",/,
    );
    for (const trigger of ["=HYPERLINK(1)", "+1", "-1", "@SUM(A1)", "＝HYPERLINK(1)", "＋1", "－1", "＠SUM(A1)"]) {
      assert.match(
        esgFileRecord(row({ account_name: trigger })),
        new RegExp(`^ACC-1,'${trigger.replace(/[+()]/g, "\\$&")},`),
        trigger,
      );
    }
  });

  it("strips what XML forbids from a stored account name or error (U+FFFE, U+0001, a lone surrogate)", () => {
    assert.equal(
      esgFileRecord(row({ account_id: "ACC-2", account_name: "North\ufffewind\u0001 Capital\ud800" })),
      "ACC-2,Northwind Capital,72.46,50.00,60.10,99.99,Governance,99.99,2026-11-23,Successful\r\n",
    );
    assert.equal(
      esgErrorRecord("ACC-3", "partner said \u0000\uffffno", "2026-11-23T05:00:00Z"),
      "ACC-3,partner said no,2026-11-23T05:00:00Z\r\n",
    );
  });

  it("rounds scores half-up on their decimal text, never through binary floats", () => {
    assert.equal(toHundredths(72.455), 7246); // 72.455 * 100 is 7245.499... in binary
    assert.equal(toHundredths(1.005), 101);
    assert.equal(toHundredths(99.994), 9999);
    assert.equal(toHundredths(99.995), 10000);
    assert.equal(toHundredths(0), 0);
    assert.equal(toHundredths(50), 5000);
    assert.equal(formatHundredths(5), "0.05");
    assert.equal(formatHundredths(10000), "100.00");
  });
});

describe("interpreting the ESG API's answer", () => {
  const answer = (body: unknown) =>
    interpretRating("ACC-1", typeof body === "string" ? body : JSON.stringify(body), '"e1"');
  const full = {
    accountId: "ACC-1",
    analysisDate: "2026-11-23",
    scores: { overall: 70.1, environmental: 60, social: 80.555, governance: 50 },
    primaryFocus: { pillar: "Social", score: 80.555 },
  };

  it("takes a complete answer as Successful with its ETag", () => {
    const o = answer(full);
    assert.equal(o.kind, "rating");
    if (o.kind !== "rating") return;
    assert.equal(o.status, "Successful");
    assert.deepEqual(o.scores, {
      overall: 7010,
      environmental: 6000,
      social: 8056,
      governance: 5000,
      primaryFocus: "Social",
      primaryFocusScore: 8056,
      analysisDate: "2026-11-23",
    });
    assert.equal(o.etag, '"e1"');
  });

  it("makes an answer lacking a pillar Partial, naming it, and derives a missing focus", () => {
    const o = answer({ ...full, scores: { overall: 70, environmental: 60, governance: 50 }, primaryFocus: null });
    assert.equal(o.kind === "rating" && o.status, "Partial");
    if (o.kind !== "rating") return;
    assert.match(o.note!, /Social/);
    assert.equal(o.scores.primaryFocus, "Environmental");
    assert.equal(o.scores.primaryFocusScore, 6000);
  });

  it("fails malformed answers with the reason instead of throwing", () => {
    const cases: [unknown, RegExp][] = [
      ["<html>oops</html>", /not JSON/],
      [{ accountId: "ACC-1", analysisDate: "2026-11-23" }, /no overall score/],
      [{ ...full, scores: { ...full.scores, overall: 140.5 } }, /out of range.*overall=140.5/],
      [{ ...full, scores: { ...full.scores, social: -1 } }, /out of range/],
      [{ ...full, accountId: "ACC-2" }, /answered for account ACC-2/],
      [{ ...full, scores: { ...full.scores, overall: "high" } }, /malformed at scores.overall/],
      [{ ...full, primaryFocus: { pillar: "Finance" } }, /not Environmental, Social or Governance/],
      [{ ...full, analysisDate: undefined }, /no analysisDate/],
    ];
    for (const [body, reason] of cases) {
      const o = answer(body);
      assert.equal(o.kind, "failed", JSON.stringify(body));
      if (o.kind === "failed") assert.match(o.error, reason);
    }
  });
});

describe("files encrypted at rest with AES-256-GCM", () => {
  const key = fileKeyFrom("esg-file-encryption-key", randomBytes(32).toString("base64"));

  it("round-trips a stream and stores key id, IV and tag with the file", async () => {
    const plain = Buffer.from("Account ID,Account Name\r\nACC-1,Northwind\r\n".repeat(5000));
    const enc = encryptingStream(key);
    const cipherText = await buffer(Readable.from([plain]).pipe(enc.stream));
    assert.equal(cipherText.includes(Buffer.from("Northwind")), false, "no plaintext at rest");
    const metadata = enc.metadata();
    assert.equal(metadata.encryption, "AES-256-GCM");
    assert.equal(metadata.encryption_key_id, key.id);
    assert.equal(Buffer.from(metadata.encryption_iv!, "base64").length, 12);
    assert.deepEqual(await buffer(Readable.from([cipherText]).pipe(decryptingStream(key, metadata))), plain);
  });

  it("refuses a tampered file and a file from another key", async () => {
    const enc = encryptingStream(key);
    const cipherText = await buffer(Readable.from([Buffer.from("secret ratings")]).pipe(enc.stream));
    cipherText[0]! ^= 1;
    await assert.rejects(
      buffer(Readable.from([cipherText]).pipe(decryptingStream(key, enc.metadata()))),
      /authenticate/,
    );
    const other = fileKeyFrom("esg-file-encryption-key", randomBytes(32).toString("base64"));
    assert.throws(() => decryptingStream(other, enc.metadata()), /encrypted with key/);
    assert.throws(() => fileKeyFrom("esg-file-encryption-key", "c2hvcnQ="), /32 random bytes/);
  });
});

describe("ESG file key rotation", () => {
  it("encrypts new files with the current key and still finds a rotated-out key by the id a file carries", async () => {
    const { esgFileKeyring } = await import("../../../shared/systems/esg/index.js");
    const { loadSettings } = await import("../../../shared/catalog.js");
    const { EnvSecretStore } = await import("../../../shared/adapters/azure/secrets.js");
    const oldKey = randomBytes(32).toString("base64");
    const env: Record<string, string> = { ESG_FILE_ENCRYPTION_KEY: oldKey };
    const keyring = esgFileKeyring(loadSettings({}), new EnvSecretStore(env));
    const before = await keyring.current();
    env.ESG_FILE_ENCRYPTION_KEY = randomBytes(32).toString("base64");
    assert.equal(await keyring.find(before.id), undefined, "a rotated-out key not kept is not found");
    env.ESG_FILE_ENCRYPTION_PREVIOUS_KEYS = oldKey;
    const after = await keyring.current();
    assert.notEqual(after.id, before.id);
    assert.deepEqual((await keyring.find(before.id))?.key, before.key);
    assert.equal((await keyring.find(after.id))?.id, after.id);
  });
});
