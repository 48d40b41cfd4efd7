import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy*/waitFor default to 1 s, too short on a busy shared 2-core machine.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);
