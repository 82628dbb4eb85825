// The package entry (`import { verifySignature } from 'railyard'`): loads the TypeScript sources through tsx
// without registering a loader globally in the importing application. Types come from src/index.ts ("types").
import { tsImport } from 'tsx/esm/api';

/* eslint-disable @typescript-eslint/no-unsafe-assignment -- tsImport is untyped; package.json points "types" at src/index.ts */
const lib = await tsImport('./src/index.ts', import.meta.url);

export const { computeSignature, constructEvent, DEFAULT_TOLERANCE_S, signPayload, verifySignature, WebhookSignatureError } = lib;
