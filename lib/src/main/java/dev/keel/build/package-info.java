/** What is running: keel's build identity and the versions of the platform under it. */
package dev.keel.build;
