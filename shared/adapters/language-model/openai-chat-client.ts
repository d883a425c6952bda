import { z } from "zod";
import type { LanguageModel, ModelMessage } from "../../ports/language-model.js";

export interface OpenAiChatOptions {
  /** The full chat completions URL. */
  readonly url: string;
  /** Sent as `model`; Azure OpenAI names the deployment in the URL instead. */
  readonly model?: string;
  readonly apiKey: () => Promise<string | undefined>;
  readonly timeoutMs: number;
}

const completion = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string().nullable() }) })).min(1),
});

/** Azure OpenAI takes its key as `api-key`; OpenAI and compatible servers as a bearer token. */
function isAzureOpenAi(url: URL): boolean {
  return /\.(openai|cognitiveservices)\.azure\.com$/i.test(url.hostname);
}

/** The chat completions API (OpenAI, Azure OpenAI and compatible servers), one call, no retries: the chat falls back to its rules. */
export class OpenAiChatClient implements LanguageModel {
  readonly #options: OpenAiChatOptions;
  readonly #url: URL;

  constructor(options: OpenAiChatOptions) {
    this.#options = options;
    this.#url = new URL(options.url);
  }

  async complete(messages: readonly ModelMessage[], options: { readonly maxTokens?: number } = {}): Promise<string> {
    const key = await this.#options.apiKey();
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (key) {
      if (isAzureOpenAi(this.#url)) headers["api-key"] = key;
      else headers.authorization = `Bearer ${key}`;
    }
    const response = await fetch(this.#url, {
      method: "POST",
      headers,
      body: JSON.stringify({
        ...(this.#options.model ? { model: this.#options.model } : {}),
        messages,
        temperature: 0,
        max_tokens: options.maxTokens ?? 400,
      }),
      signal: AbortSignal.timeout(this.#options.timeoutMs),
    });
    if (!response.ok) throw new Error(`language model answered ${response.status}`);
    const parsed = completion.safeParse(await response.json());
    if (!parsed.success) throw new Error("language model answered an unexpected shape");
    return parsed.data.choices[0]!.message.content ?? "";
  }
}
