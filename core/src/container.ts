/**
 * tsyringe injection tokens: the seams where tests and embedders swap an implementation.
 * Always register and resolve with these explicit tokens; nothing relies on decorator metadata.
 */
import 'reflect-metadata';

/** The scheme registry (`SchemeRegistry`). */
export const SCHEME_REGISTRY = Symbol('SchemeRegistry');
/** The secret store (`SecretStore`). */
export const SECRET_STORE = Symbol('SecretStore');
/** The session manager (`SessionManager`). */
export const SESSION_MANAGER = Symbol('SessionManager');
/** The HTTP client factory (`HttpClientFactory`). */
export const HTTP_CLIENT_FACTORY = Symbol('HttpClientFactory');
/** The clock (`Clock`). */
export const CLOCK = Symbol('Clock');
/** The logger (`Logger`). */
export const LOGGER = Symbol('Logger');
/** The redactor (`Redactor`). */
export const REDACTOR = Symbol('Redactor');
/** The runtime's home folder, `CONNECTORS_HOME` (a string). */
export const CONNECTORS_HOME = Symbol('ConnectorsHome');
