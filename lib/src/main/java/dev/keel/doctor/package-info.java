/** {@code keel doctor}: is this machine, this configuration and everything it points at fit to run keel. */
package dev.keel.doctor;
