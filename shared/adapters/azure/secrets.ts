import type { SecretStore } from "../../ports/secret-store.js";

/** Key Vault secret name (kebab-case) → local setting name (UPPER_SNAKE). */
export function settingNameOf(secretName: string): string {
  return secretName.toUpperCase().replace(/-/g, "_");
}

/** Local default: a secret is the setting of the same name (`jwt-signing-key` → `JWT_SIGNING_KEY`). */
export class EnvSecretStore implements SecretStore {
  readonly #env: NodeJS.ProcessEnv;
  constructor(env: NodeJS.ProcessEnv) {
    this.#env = env;
  }
  async findSecret(name: string): Promise<string | undefined> {
    const value = this.#env[settingNameOf(name)];
    return value === undefined || value === "" ? undefined : value;
  }
}

/**
 * Key Vault through DefaultAzureCredential, each secret cached for a TTL so a hot path
 * never calls the vault; a rotated secret is picked up within the TTL.
 */
export class KeyVaultSecretStore implements SecretStore {
  readonly #vaultUrl: string;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { value: string | undefined; expiresAt: number }>();
  #client?: Promise<import("@azure/keyvault-secrets").SecretClient>;

  constructor(vaultUrl: string, ttlSeconds: number) {
    this.#vaultUrl = vaultUrl;
    this.#ttlMs = ttlSeconds * 1000;
  }

  async findSecret(name: string): Promise<string | undefined> {
    const cached = this.#cache.get(name);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const client = await this.#getClient();
    let value: string | undefined;
    try {
      value = (await client.getSecret(name)).value;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      value = undefined;
    }
    this.#cache.set(name, { value, expiresAt: Date.now() + this.#ttlMs });
    return value;
  }

  #getClient() {
    this.#client ??= (async () => {
      const [{ SecretClient }, { DefaultAzureCredential }] = await Promise.all([
        import("@azure/keyvault-secrets"),
        import("@azure/identity"),
      ]);
      return new SecretClient(this.#vaultUrl, new DefaultAzureCredential());
    })();
    return this.#client;
  }
}
