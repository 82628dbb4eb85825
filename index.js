// The package entry (`import { verifySignature } from 'railyard'`): loads the TypeScript sources through tsx
// without registering a loader globally in the importing application.
import { tsImport } from 'tsx/esm/api';

const lib = await tsImport('./src/index.ts', import.meta.url);

export const { computeSignature, constructEvent, DEFAULT_TOLERANCE_S, signPayload, verifySignature, WebhookSignatureError } = lib;
