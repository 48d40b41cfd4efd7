export { SignalService } from './SignalService';
export type { SignalServiceOptions } from './SignalService';
export { SignalStore } from './SignalStore';
export type { SignalChange, SignalListener, SignalReading } from './types';
