// The MPI C API for Swift (TransformerCore's MPI trait). Swift imports mpi.h's functions, but not the
// handles Open MPI and MPICH define as macros over casts of globals (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM,
// MPI_IN_PLACE, ...): these inline functions return them. Header only: nothing here is compiled unless
// a target imports CMPI, which only TransformerCore does, and only with the MPI trait.
#ifndef TRANSFORMERCORE_CMPI_H
#define TRANSFORMERCORE_CMPI_H

#include <mpi.h>

static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline int cmpi_success(void) { return MPI_SUCCESS; }
static inline int cmpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }

#endif
