/** A configuration class: constructed without arguments; its initial values are the defaults. */
export type ConfigClass<C extends object = object> = new () => C;
