/**
 * Fired on the event bus by DeployAction once a deployment from this browser went through (`{ result }`). Its own
 * module, so the features that listen (the Decisions tab, the lint rules) need not import the deploy dialog.
 */
export const DEPLOYED = 'stratum.deploy.deployed';
