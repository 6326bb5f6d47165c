/** The local stack's fixed settings, shared by `npm start` and `npm run call`. */
export const LOCAL = {
  httpPort: Number(process.env.HTTP_PORT ?? 3000),
  lambdaPort: Number(process.env.LAMBDA_PORT ?? 3002),
  emulatorPort: Number(process.env.EMULATOR_PORT ?? 8790),
  /** HTTPS beside it, for kubectl (the kubeconfig of `npm start` points here). */
  emulatorTlsPort: Number(process.env.EMULATOR_TLS_PORT ?? 8791),
  webhookSecret: process.env.WEBHOOK_SECRET ?? 'local-webhook-secret',
  namespace: 'cci-namespace-42263891',
  jobs: ['openmpi-hello-2-com', 'openmpi-hello-3-com'],
  /** The emulator's SMN topic the local sweep publishes its notifications to. */
  smnTopicUrn: 'urn:smn:cn-north-4:0a1b2c3d4e5f60718293a4b5c6d7e8f9:volcano-sweep-events',
};
