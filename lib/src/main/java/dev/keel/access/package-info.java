/**
 * Access control: a policy file maps users and groups to roles and roles to permissions; every
 * state-changing run is decided against it before it changes anything, and the decision (allowed
 * or denied) is audited with the policy file's SHA-256.
 */
package dev.keel.access;
