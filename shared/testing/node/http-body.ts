import type { IncomingMessage } from "node:http";

/** The whole body of a request to one of the local fake servers, as text. */
export async function readText(request: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text;
}
