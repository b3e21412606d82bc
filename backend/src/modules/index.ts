import type { ModuleFactory } from '../app';

/**
 * Every business component, in mounting order. Each module folder exposes one factory
 * building its service(s) and router from the AppContext.
 */
export const moduleFactories: ModuleFactory[] = [];
