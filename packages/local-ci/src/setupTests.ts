// The runner tests clone real git repositories and run real scripts.
jest.setTimeout(120_000);

export {};
