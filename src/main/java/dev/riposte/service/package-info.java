/**
 * riposte as a service of the host: systemd notifications and the watchdog heartbeat, journald fields,
 * SIGHUP, the reactions directory watch and giving memory back when idle.
 */
package dev.riposte.service;
