/**
 * Chaos Monkey mode: {@link dev.macaque.schedule.KillSchedule} says how often and when groups are killed, and the
 * pure {@link dev.macaque.schedule.ScheduleCalendar} decides, from a seed, a group and a day, whether and when a kill
 * happens. The server and the simulator run each planned kill through the engine with
 * {@link dev.macaque.schedule.KillSchedule#experimentFor(dev.macaque.spi.GroupRef)}.
 */
package dev.macaque.schedule;
