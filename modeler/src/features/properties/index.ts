import LibraryModule from '../library';
import StratumPropertiesProvider from './StratumPropertiesProvider';
import PropertiesAfterPaint from './PropertiesAfterPaint';

/** Stratum's additions to the Zeebe properties panel, which fills in once an opened diagram is painted. */
export default {
  __depends__: [LibraryModule],
  __init__: ['stratumPropertiesProvider', 'propertiesAfterPaint'],
  stratumPropertiesProvider: ['type', StratumPropertiesProvider],
  propertiesAfterPaint: ['type', PropertiesAfterPaint],
};
