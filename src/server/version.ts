/** The Label Studio release whose API we speak; clients read it from /api/version. */
export const LS_COMPAT_VERSION = '1.22.0';
export const LABELFLEET_VERSION = '0.1.0';
