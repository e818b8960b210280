/** The model registry: {@code _keel/models}, one row per trained model version with everything needed to trust and reproduce it. */
package dev.keel.registry;
