import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValidationError } from "../../../shared/index.js";
import { assertStrongPassword } from "../../../shared/systems/identity/password-policy.js";
import { hashPassword, isCurrentHash, verifyPassword } from "../../../shared/systems/identity/passwords.js";

async function problemOf(password: string, username: string): Promise<string | undefined> {
  try {
    await assertStrongPassword(password, username);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof ValidationError);
    assert.equal(error.issues[0]?.field, "password");
    return error.issues[0]?.message;
  }
}

describe("password policy (OWASP ASVS 2.1)", () => {
  it("refuses repeats, common passwords and the username, with a reason", async () => {
    assert.equal(await problemOf("aaaaaaaaaaaa", "rita"), "must not repeat a character or a short pattern");
    assert.equal(await problemOf("password123456", "rita"), "is too close to a common password");
    assert.equal(await problemOf("qwertyuiopas", "rita"), "is too close to a common password");
    assert.equal(await problemOf("bob.smith12345", "bob.smith"), "must not contain the username");
    assert.equal(await problemOf("walnut-Bob.Smith-ferry", "bob.smith"), "must not contain the username");
  });

  it("accepts passphrases without composition rules", async () => {
    for (const password of ["correct-horse-battery", "a-long-enough-password", "walnut ferry lantern"]) {
      assert.equal(await problemOf(password, "rita"), undefined, password);
    }
  });
});

describe("password hashing", () => {
  it("hashes at OWASP's scrypt floor (N=2^15, r=8, p=3) and still verifies older hashes", async () => {
    const hash = await hashPassword("walnut ferry lantern");
    assert.match(hash, /^scrypt\$32768\$8\$3\$/);
    assert.equal(await verifyPassword("walnut ferry lantern", hash), true);
    assert.equal(await verifyPassword("walnut ferry lanterN", hash), false);
    const older = "scrypt$32768$8$1$" + hash.split("$").slice(4).join("$");
    assert.equal(await verifyPassword("walnut ferry lantern", older), false, "the parameters are part of the hash");
    assert.equal(isCurrentHash(hash), true);
    assert.equal(isCurrentHash(older), false, "an older hash is upgraded at the next login");
  });
});
