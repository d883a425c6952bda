/** One turn of a conversation with a language model. */
export interface ModelMessage {
  readonly role: "system" | "user" | "assistant";
  readonly content: string;
}

/**
 * An optional language model (an OpenAI-compatible chat completions endpoint). Callers
 * treat its text as untrusted: they validate what it classifies and check every number it
 * writes against their own calculation.
 */
export interface LanguageModel {
  /** The model's reply; throws when it does not answer in time or answers an error. */
  complete(messages: readonly ModelMessage[], options?: { readonly maxTokens?: number }): Promise<string>;
}
