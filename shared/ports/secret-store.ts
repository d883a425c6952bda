/**
 * Secrets by their Key Vault name (kebab-case, e.g. `jwt-signing-key`).
 * Locally the same secret is read from the setting of the same name in UPPER_SNAKE case.
 */
export interface SecretStore {
  /** The secret's value, or undefined when it is not set. */
  findSecret(name: string): Promise<string | undefined>;
}
