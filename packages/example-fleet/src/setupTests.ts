// Tests build Go, start processes and a real release manager.
jest.setTimeout(180_000);

export {};
