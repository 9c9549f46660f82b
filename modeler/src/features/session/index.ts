import ShellModule from '../shell';
import Session from './Session';

/** Who talks to the server: the bearer token. */
export default {
  __depends__: [ShellModule],
  __init__: ['session'],
  session: ['type', Session],
};
