// Git-backed tests start real servers and push to real repositories.
jest.setTimeout(120_000);

export {};
