import LibraryModule from '../library';
import StratumPropertiesProvider from './StratumPropertiesProvider';

/** Stratum's additions to the Zeebe properties panel. */
export default {
  __depends__: [LibraryModule],
  __init__: ['stratumPropertiesProvider'],
  stratumPropertiesProvider: ['type', StratumPropertiesProvider],
};
