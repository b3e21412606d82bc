import { InitialSchema1732230000000 } from './1732230000000-initial-schema';

/** Every migration, in order. New ones are appended here. */
export const migrations = [InitialSchema1732230000000];
