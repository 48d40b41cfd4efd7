// Reconciler tests run real podman pods.
jest.setTimeout(120_000);

export {};
