// The podman tests build an image and run real pods.
jest.setTimeout(180_000);

export {};
